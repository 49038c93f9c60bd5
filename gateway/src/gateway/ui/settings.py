"""Settings of the staff web UI (env prefix `GATEWAY_`, like the rest of the gateway).

Kept apart from `GatewaySettings` so the UI can be configured and tested on its own; the app
reads them from `app.state.ui_settings` at request time, so a test can swap in short timeouts.
"""

from __future__ import annotations

import binascii
from typing import Annotated, Any

from cryptography.fernet import Fernet
from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.settings import EnvironmentSettings, Secret, SecretSetting

DEVELOPMENT_TOTP_KEY = "ZGV2ZWxvcG1lbnQtb25seS10b3RwLWtleS0zMmJ5dGU="
MAX_IDLE_MINUTES = 120


class UiSettings(EnvironmentSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    cookie_secure: bool | None = Field(
        None,
        description="Secure flag on the session cookie; default: on, except in development",
    )
    session_idle_minutes: float = Field(15, gt=0, le=MAX_IDLE_MINUTES)
    session_absolute_hours: float = Field(10, gt=0, le=24)
    login_step_minutes: float = Field(5, gt=0, le=30, description="time to enter the TOTP code")
    max_failures_per_account: int = Field(5, ge=1, le=100)
    account_lock_minutes: float = Field(15, gt=0, le=24 * 60)
    max_failures_per_ip: int = Field(20, ge=1, le=10_000)
    ip_window_minutes: float = Field(15, gt=0, le=24 * 60)
    sweep_minutes: float = Field(
        5, gt=0, le=24 * 60, description="how often ended sessions and old failures are removed"
    )
    totp_encryption_key: Annotated[Secret, SecretSetting(min_length=44)] = Field(
        DEVELOPMENT_TOTP_KEY,
        description="Fernet key (urlsafe base64 of 32 bytes) that encrypts the TOTP secrets",
    )
    totp_issuer: str = "Gemeentepolis backoffice"

    @field_validator("totp_encryption_key")
    @classmethod
    def _a_fernet_key(cls, key: str) -> str:
        """Refused at start, not at the first login (the message does not show the key)."""
        try:
            Fernet(key.encode())
        except (ValueError, binascii.Error):
            raise ValueError(
                "GATEWAY_TOTP_ENCRYPTION_KEY must be a Fernet key: urlsafe base64 of 32 random "
                "bytes (python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')"
            ) from None
        return key

    @model_validator(mode="after")
    def _defaults_by_environment(self) -> UiSettings:
        if self.cookie_secure is None:
            self.cookie_secure = self.environment != "development"
        if self.environment == "production" and not self.cookie_secure:
            raise ValueError("GATEWAY_COOKIE_SECURE may only be off in development")
        return self

    @property
    def secure_cookies(self) -> bool:
        return bool(self.cookie_secure)

    def with_overrides(self, **changes: Any) -> UiSettings:
        """A copy with some values changed and validated again (tests: short timeouts)."""
        return UiSettings.model_validate({**self.model_dump(), **changes})
