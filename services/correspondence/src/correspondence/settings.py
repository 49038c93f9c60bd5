"""The correspondence service's settings (env prefix `CORRESPONDENCE_`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.settings import Secret, SecretSetting, ServiceSettings, default_database_url

DEVELOPMENT_BOUNCE_SECRET = "development-only-bounce-webhook-secret"  # noqa: S105


class SealCertificate(BaseModel):
    """A municipality's certificate for sealing decision letters (PAdES)."""

    pkcs12_path: Path
    passphrase: str | None = None


class CorrespondenceSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="CORRESPONDENCE_", extra="ignore", populate_by_name=True
    )

    service_name: str = "correspondence"
    database_url: str = default_database_url("backoffice_correspondence")

    # SMTP: the server that accepts our e-mail (a relay of the municipality or the platform).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(8025, ge=1, le=65535)
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        "none", description="none (local catcher only), STARTTLS, or implicit TLS (port 465)"
    )
    smtp_validate_certs: bool = True
    smtp_ca_file: Path | None = None
    smtp_username: str | None = None
    smtp_password: Annotated[str | None, SecretSetting(min_length=1), Field(repr=False)] = None
    smtp_timeout_seconds: float = Field(30.0, gt=0, le=600)
    smtp_local_hostname: str | None = Field(None, description="the name we give in EHLO")
    smtp_allow_plaintext_in_production: bool = False
    mail_from: str = "Gemeentepolis <noreply@gemeentepolis.example>"
    message_id_domain: str = "correspondence.gemeentepolis.example"

    # Sending: retries with backoff, then parked with the reason.
    send_max_attempts: int = Field(10, ge=1, le=50)
    send_retry_base_seconds: float = Field(30.0, gt=0)
    send_retry_max_seconds: float = Field(1800.0, gt=0)
    render_batch_size: int = Field(200, ge=1, le=2000)
    letters_prefetch: int = Field(
        400,
        ge=1,
        le=5000,
        description="unacked letter work items per replica: about the two render batches a "
        "replica works at once, so it does not hold back work another replica could do",
    )

    # Schedules (reminders, terms, due retries): polled rows, never in-memory timers.
    reminder_after_days: int = Field(14, ge=1, le=365)
    schedule_poll_seconds: float = Field(1.0, gt=0)

    # Rendering: limits per template render, LibreOffice (unoserver) for Word letters.
    template_max_bytes: int = Field(256 * 1024, ge=1024)
    render_max_seconds: float = Field(2.0, gt=0)
    render_max_output_bytes: int = Field(1024 * 1024, ge=1024)
    docx_max_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    docx_max_unpacked_bytes: int = Field(50 * 1024 * 1024, ge=1024)
    unoserver_url: str = "http://127.0.0.1:2003"
    unoserver_timeout_seconds: float = Field(60.0, gt=0)

    # Peers: the documents service keeps every letter PDF and makes the upload links. Without
    # it (development, tests of this service alone) letters go without upload link or archive;
    # production refuses to start without it.
    documents_url: str | None = None
    documents_timeout_seconds: float = Field(10.0, gt=0)
    upload_link_days: int = Field(30, ge=1, le=365)

    seal_certificates: dict[str, SealCertificate] = Field(
        default_factory=dict, description='{"0363": {"pkcs12_path": ..., "passphrase": ...}}'
    )
    bounce_secret: Annotated[Secret, SecretSetting(min_length=16)] = DEVELOPMENT_BOUNCE_SECRET

    @field_validator("documents_url", mode="before")
    @classmethod
    def _empty_means_none(cls, value: object) -> object:
        return value or None

    @model_validator(mode="after")
    def _refuse_development_settings_in_production(self) -> Self:
        if self.environment != "production":
            return self
        if not self.documents_url:
            raise ValueError(
                "CORRESPONDENCE_DOCUMENTS_URL is required in production: every letter is kept "
                "in the documents service and invitations carry its upload link"
            )
        if self.smtp_tls == "none" and not self.smtp_allow_plaintext_in_production:
            raise ValueError(
                "CORRESPONDENCE_SMTP_TLS=none sends personal data in plain text: use starttls or "
                "tls (or set CORRESPONDENCE_SMTP_ALLOW_PLAINTEXT_IN_PRODUCTION for a local relay)"
            )
        return self
