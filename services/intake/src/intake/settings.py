from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import Secret, SecretSetting, ServiceSettings, default_database_url

DEVELOPMENT_WEBSITE_SECRET = "development-only-website-hmac-secret"  # noqa: S105
DEVELOPMENT_BSN_HASH_SECRET = "development-only-bsn-hash-secret"  # noqa: S105


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    service_name: str = "intake"
    database_url: str = default_database_url("backoffice_intake")
    # Shared with the GezondVerzekerd website, which may hand over a shorter one.
    website_hmac_secret: Annotated[Secret, SecretSetting(min_length=16)] = (
        DEVELOPMENT_WEBSITE_SECRET
    )
    max_body_bytes: int = 256 * 1024
    # Keys BSNs into pseudonyms (HMAC-SHA256); changing it breaks re-import deduplication.
    bsn_hash_secret: Annotated[Secret, SecretSetting(min_length=16)] = DEVELOPMENT_BSN_HASH_SECRET
    import_max_bytes: int = Field(50 * 1024 * 1024, ge=1024)
    import_batch_size: int = Field(500, ge=1, le=5000)
    import_poll_seconds: float = Field(5.0, gt=0)
    import_max_attempts: int = Field(5, ge=1, le=100)
