"""Settings of the cases service (env prefix `CASES_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import Secret, ServiceSettings, default_database_url

DEVELOPMENT_CURSOR_SECRET = "development-only-cases-cursor-secret-change-me"  # noqa: S105
DEVELOPMENT_BSN_HASH_SECRET = "development-only-cases-bsn-hash-secret-change-me"  # noqa: S105


class CasesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore", populate_by_name=True)

    service_name: str = "cases"
    database_url: str = default_database_url("backoffice_cases")
    cursor_secret: Secret = DEVELOPMENT_CURSOR_SECRET
    hold_lift_seconds: float = Field(
        60.0, gt=0, description="how often holds whose end date passed are lifted"
    )
    hold_lift_batch_size: int = Field(500, ge=1, le=10_000)
    bsn_hash_secret: Secret = Field(
        DEVELOPMENT_BSN_HASH_SECRET,
        description="HMAC key of the data subject ids in the access log; never rotate casually",
    )
