"""Settings of the cases service (env prefix `CASES_`)."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings, default_database_url

DEVELOPMENT_CURSOR_SECRET = "development-only-cases-cursor-secret-change-me"  # noqa: S105
DEVELOPMENT_BSN_HASH_SECRET = "development-only-cases-bsn-hash-secret-change-me"  # noqa: S105


class CasesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore", populate_by_name=True)

    service_name: str = "cases"
    database_url: str = default_database_url("backoffice_cases")
    cursor_secret: str = Field(DEVELOPMENT_CURSOR_SECRET, min_length=32)
    hold_lift_seconds: float = Field(
        60.0, gt=0, description="how often holds whose end date passed are lifted"
    )
    hold_lift_batch_size: int = Field(500, ge=1, le=10_000)
    bsn_hash_secret: str = Field(
        DEVELOPMENT_BSN_HASH_SECRET,
        min_length=32,
        description="HMAC key of the data subject ids in the access log; never rotate casually",
    )

    @model_validator(mode="after")
    def _refuse_default_cursor_secret_in_production(self) -> CasesSettings:
        if self.environment == "production" and self.cursor_secret == DEVELOPMENT_CURSOR_SECRET:
            raise ValueError("CASES_CURSOR_SECRET must be set to a real secret in production")
        if self.environment == "production" and self.bsn_hash_secret == DEVELOPMENT_BSN_HASH_SECRET:
            raise ValueError("CASES_BSN_HASH_SECRET must be set to a real secret in production")
        return self
