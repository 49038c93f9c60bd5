from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings, default_database_url

DEVELOPMENT_WEBSITE_SECRET = "development-only-website-hmac-secret"  # noqa: S105


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    service_name: str = "intake"
    database_url: str = default_database_url("backoffice_intake")
    website_hmac_secret: str = Field(DEVELOPMENT_WEBSITE_SECRET, min_length=16)
    max_body_bytes: int = 256 * 1024
