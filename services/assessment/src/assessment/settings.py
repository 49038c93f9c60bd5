"""Settings of the assessment service (env prefix `ASSESSMENT_`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.settings import (
    NotSecret,
    Secret,
    SecretSetting,
    ServiceSettings,
    default_database_url,
)

DEVELOPMENT_WEBHOOK_SECRET = "development-only-ockto-webhook-secret"  # noqa: S105
DEVELOPMENT_OCKTO_API_KEY = "development-only-ockto-api-key"
DEVELOPMENT_PACKAGE_KEYS = "dev-1:ZGV2ZWxvcG1lbnQtb25seS1wYWNrYWdlLWtleS0zMmI="
"""`<key id>:<base64 of 32 bytes>`: the AES-256-GCM key of development only."""
DEVELOPMENT_BSN_HASH_SECRET = "development-only-assessment-bsn-hash-secret"  # noqa: S105


class AssessmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSESSMENT_", extra="ignore", populate_by_name=True
    )

    service_name: str = "assessment"
    database_url: str = default_database_url("backoffice_assessment")
    ockto_api_url: str = Field("http://127.0.0.1:8010", description="Ockto's session API")
    ockto_api_key: Annotated[Secret, SecretSetting(min_length=16)] = DEVELOPMENT_OCKTO_API_KEY
    ockto_webhook_secret: Annotated[Secret, SecretSetting(min_length=16)] = Field(
        DEVELOPMENT_WEBHOOK_SECRET,
        description="the HMAC secret of `X-Ockto-Signature`, shared with Ockto per environment",
    )
    ockto_callback_url: str = Field(
        "http://127.0.0.1:8000/api/v1/ockto/deliveries",
        description="where Ockto delivers (the gateway's public callback)",
    )
    ockto_timeout_seconds: float = Field(10.0, gt=0, le=120)
    ockto_max_body_bytes: int = Field(1024 * 1024, ge=1024)
    ockto_document_max_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    documents_url: str = "http://127.0.0.1:8003"
    documents_timeout_seconds: float = Field(30.0, gt=0, le=600)
    package_keys: Secret = Field(
        DEVELOPMENT_PACKAGE_KEYS,
        description="the AES-GCM keyring of data packages at rest: `id:base64key,id:base64key`; "
        "old keys stay to read what they sealed",
    )
    package_key_id: Annotated[str, NotSecret()] = Field(
        "dev-1", description="the key that seals new packages"
    )
    bsn_hash_secret: Annotated[Secret, SecretSetting(min_length=16)] = Field(
        DEVELOPMENT_BSN_HASH_SECRET,
        description="HMAC key of the BSNs of file checks; changing it empties every file check",
    )
    file_check_max_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    worker_poll_seconds: float = Field(
        2.0,
        gt=0,
        description="how often the session starter, expiry sweeper and document "
        "uploader look for work they were not woken for",
    )
    worker_batch_size: int = Field(50, ge=1, le=1000)
    worker_max_attempts: int = Field(8, ge=1, le=100)

    @model_validator(mode="after")
    def _refuse_the_development_key_in_a_production_keyring(self) -> AssessmentSettings:
        # `Secret` refuses the development keyring as a whole; a keyring that merely still
        # holds the development key (beside real ones) is refused here.
        development_key = DEVELOPMENT_PACKAGE_KEYS.split(":", 1)[1]
        if self.environment == "production" and development_key in self.package_keys:
            raise ValueError(
                "ASSESSMENT_PACKAGE_KEYS still holds the development key: remove it in production"
            )
        return self
