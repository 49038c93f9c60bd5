"""The gateway's settings (env prefix `GATEWAY_`) and where its migrations and seed live."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Request
from pydantic import Field, IPvAnyNetwork, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from servicekit.settings import ServiceSettings, default_database_url

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
DEFAULT_SEED_FILE = Path(__file__).resolve().parents[3] / "deploy" / "seed" / "organisations.json"


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    service_name: str = "gateway"
    database_url: str = default_database_url("backoffice_gateway")
    cases_url: str = "http://127.0.0.1:8002"
    intake_url: str = "http://127.0.0.1:8001"
    documents_url: str = "http://127.0.0.1:8003"
    assessment_url: str = "http://127.0.0.1:8004"
    correspondence_url: str = "http://127.0.0.1:8005"
    downstream_connect_timeout_seconds: float = Field(2.0, gt=0, le=30)
    downstream_timeout_seconds: float = Field(10.0, gt=0, le=120)
    downstream_probe_timeout_seconds: float = Field(
        1.0, gt=0, le=30, description="how long readiness waits for each service's liveness"
    )
    export_timeout_seconds: float = Field(
        300.0, gt=0, le=3600, description="read timeout of exports (an XLSX is sent when done)"
    )
    internal_token_ttl_seconds: int = Field(60, ge=5, le=600)
    max_intake_body_bytes: int = Field(256 * 1024, ge=1024)
    # The intake service's import limit (INTAKE_IMPORT_MAX_BYTES) plus room for the form.
    max_import_body_bytes: int = Field(50 * 1024 * 1024 + 64 * 1024, ge=1024)
    import_upload_timeout_seconds: float = Field(120.0, gt=0, le=600)
    documents_upload_timeout_seconds: float = Field(
        300.0, gt=0, le=3600, description="read timeout of document uploads and downloads"
    )
    documents_max_body_bytes: int = Field(
        300 * 1024 * 1024,
        ge=1024,
        description="the most a document upload may send (the service's own limits are lower)",
    )
    trusted_proxies: Annotated[tuple[IPvAnyNetwork, ...], NoDecode] = Field(
        (),
        description="addresses or CIDR ranges of the reverse proxies in front of the gateway, "
        "comma-separated: only their X-Forwarded-For says who the client is",
    )
    api_docs: bool | None = Field(
        None, description="serve /docs and /redoc; default: on, except in production"
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _not_everyone(cls, networks: tuple[IPvAnyNetwork, ...]) -> tuple[IPvAnyNetwork, ...]:
        if any(network.prefixlen == 0 for network in networks):
            raise ValueError(
                "GATEWAY_TRUSTED_PROXIES must not trust every address: anyone could then "
                "choose the address the login throttle and the security log see"
            )
        return networks

    @model_validator(mode="after")
    def _docs_by_environment(self) -> GatewaySettings:
        if self.api_docs is None:
            self.api_docs = self.environment != "production"
        return self

    max_ockto_body_bytes: int = Field(
        64 * 1024 * 1024,
        ge=1024,
        description="the callback's hard cut-off; the assessment service refuses (and records) "
        "anything above its own, smaller limit",
    )
    max_file_check_body_bytes: int = Field(20 * 1024 * 1024 + 64 * 1024, ge=1024)


def settings_of(request: Request) -> GatewaySettings:
    """The running app's settings (set by `gateway.main.create_app`)."""
    settings: GatewaySettings = request.app.state.settings
    return settings
