"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-internal-token-secret-change-me"  # noqa: S105


class ServiceSettings(BaseSettings):
    """Connection settings with working local defaults; shared ones read `BACKOFFICE_*`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str
    database_url: str
    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias=AliasChoices("environment", "BACKOFFICE_ENVIRONMENT")
    )
    amqp_url: str = Field(
        "amqp://guest:guest@127.0.0.1:5672/",
        validation_alias=AliasChoices("amqp_url", "BACKOFFICE_AMQP_URL"),
    )
    internal_token_secret: str = Field(
        DEVELOPMENT_SECRET,
        validation_alias=AliasChoices("internal_token_secret", "BACKOFFICE_INTERNAL_TOKEN_SECRET"),
        min_length=32,
    )
    log_level: str = Field(
        "INFO", validation_alias=AliasChoices("log_level", "BACKOFFICE_LOG_LEVEL")
    )
    consumer_prefetch: int = Field(500, ge=1, le=5000)
    consumer_max_attempts: int = Field(5, ge=1, le=100)
    relay_batch_size: int = Field(500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(1.0, gt=0)
    batch_linger_seconds: float = Field(
        0.05,
        ge=0,
        le=1,
        description="how long a consumer or the relay waits for a small batch to fill: a few "
        "milliseconds of latency buy far fewer, larger transactions under load",
    )

    @model_validator(mode="after")
    def _refuse_default_secret_outside_development(self) -> ServiceSettings:
        if self.environment == "production" and self.internal_token_secret == DEVELOPMENT_SECRET:
            raise ValueError(
                "BACKOFFICE_INTERNAL_TOKEN_SECRET must be set to a real secret in production"
            )
        return self


def default_database_url(database: str) -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
