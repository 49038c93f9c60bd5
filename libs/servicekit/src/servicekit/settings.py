"""Settings every service shares; each service subclasses with its own env prefix.

Every secret of every service is declared one way, as `Secret` (or, with another minimum
length, `Annotated[Secret, SecretSetting(min_length=16)]`): its default, if it has one, serves development only. In production
(`BACKOFFICE_ENVIRONMENT=production`) a service refuses to start while any secret still has its
development default, and in every environment when one is shorter than its minimum; the
refusal names the environment variables to set. A settings field whose name says it holds a
secret (`..._secret`, `..._key`, `..._password`) but is not declared so fails at import time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from pydantic import AliasChoices, Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-internal-token-secret-change-me"  # noqa: S105
SECRET_NAME_PARTS = frozenset({"secret", "key", "password", "passphrase", "credentials"})
"""A field whose name has one of these parts (split at `_`) must be declared a secret."""
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class SecretSetting:
    """The marker of a secret field (see the module's docstring)."""

    min_length: int = 32


@dataclass(frozen=True)
class NotSecret:
    """The marker of a field whose name only looks like a secret's (`sort_key`)."""


Secret = Annotated[str, SecretSetting(), Field(repr=False)]
"""A secret of at least 32 characters."""


def looks_secret(name: str) -> bool:
    return bool(SECRET_NAME_PARTS & set(name.lower().split("_")))


def _marker(field: FieldInfo, kind: type[object]) -> Any:
    """The field's last marker of this kind: an outer `Annotated[Secret, SecretSetting(16)]`
    comes after the one inside `Secret`, and wins."""
    return next((item for item in reversed(field.metadata) if isinstance(item, kind)), None)


def env_name(settings_class: type[BaseSettings], field_name: str) -> str:
    """The environment variable a field is read from (its upper-case alias, else prefix+name)."""
    field = settings_class.model_fields[field_name]
    alias = field.validation_alias
    choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
    named = [c for c in choices if isinstance(c, str) and _ENV_NAME.fullmatch(c)]
    if named:
        return named[0]
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    return f"{prefix}{field_name}".upper()


@dataclass(frozen=True)
class SecretField:
    name: str
    env: str
    development_default: str | None
    min_length: int


def secret_fields(settings_class: type[BaseSettings]) -> list[SecretField]:
    """The secrets a settings class declares, with the environment variable of each."""
    found = []
    for name, field in settings_class.model_fields.items():
        marker = _marker(field, SecretSetting)
        if marker is not None:
            default = field.default if isinstance(field.default, str) else None
            found.append(
                SecretField(name, env_name(settings_class, name), default, marker.min_length)
            )
    return found


def undeclared_secrets(settings_class: type[BaseSettings]) -> list[str]:
    """Fields named like secrets but declared neither `Secret` nor `NotSecret`."""
    return [
        name
        for name, field in settings_class.model_fields.items()
        if looks_secret(name)
        and _marker(field, SecretSetting) is None
        and _marker(field, NotSecret) is None
    ]


class EnvironmentSettings(BaseSettings):
    """The environment a process runs in, and the check of its secrets for that environment."""

    # Errors never echo what was read: a refused secret must not end up in a log.
    model_config = SettingsConfigDict(
        extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias=AliasChoices("environment", "BACKOFFICE_ENVIRONMENT")
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        undeclared = undeclared_secrets(cls)
        if undeclared:
            raise TypeError(
                f"{cls.__qualname__}: declare {', '.join(undeclared)} as servicekit.settings."
                "Secret (checked in production), or NotSecret when it holds no secret"
            )

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Self:
        problems = []
        for secret in secret_fields(type(self)):
            value = getattr(self, secret.name)
            if value is None:
                continue
            if len(value) < secret.min_length:
                problems.append(f"{secret.env} must be at least {secret.min_length} characters")
            elif self.environment == "production" and value == secret.development_default:
                problems.append(f"{secret.env} is still its development default")
        if problems:
            raise ValueError(
                f"refusing to start ({self.environment}): "
                + "; ".join(problems)
                + ". Set a real, random secret for each."
            )
        return self


class ServiceSettings(EnvironmentSettings):
    """Connection settings with working local defaults; shared ones read `BACKOFFICE_*`."""

    service_name: str
    database_url: str
    amqp_url: str = Field(
        "amqp://guest:guest@127.0.0.1:5672/",
        validation_alias=AliasChoices("amqp_url", "BACKOFFICE_AMQP_URL"),
    )
    internal_token_secret: Secret = Field(
        DEVELOPMENT_SECRET,
        validation_alias=AliasChoices("internal_token_secret", "BACKOFFICE_INTERNAL_TOKEN_SECRET"),
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


def default_database_url(database: str) -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
