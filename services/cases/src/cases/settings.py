"""Settings of the cases service (env prefix `CASES_`)."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings, default_database_url

DEVELOPMENT_CURSOR_SECRET = "development-only-cases-cursor-secret-change-me"  # noqa: S105


class CasesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASES_", extra="ignore", populate_by_name=True)

    service_name: str = "cases"
    database_url: str = default_database_url("backoffice_cases")
    cursor_secret: str = Field(DEVELOPMENT_CURSOR_SECRET, min_length=32)

    @model_validator(mode="after")
    def _refuse_default_cursor_secret_in_production(self) -> CasesSettings:
        if self.environment == "production" and self.cursor_secret == DEVELOPMENT_CURSOR_SECRET:
            raise ValueError("CASES_CURSOR_SECRET must be set to a real secret in production")
        return self
