"""The gateway's settings (env prefix `GATEWAY_`) and where its migrations and seed live."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings, default_database_url

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
DEFAULT_SEED_FILE = Path(__file__).resolve().parents[3] / "deploy" / "seed" / "organisations.json"


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    service_name: str = "gateway"
    database_url: str = default_database_url("backoffice_gateway")
    cases_url: str = "http://127.0.0.1:8002"
    intake_url: str = "http://127.0.0.1:8001"
    assessment_url: str = "http://127.0.0.1:8004"
    downstream_connect_timeout_seconds: float = Field(2.0, gt=0, le=30)
    downstream_timeout_seconds: float = Field(10.0, gt=0, le=120)
    export_timeout_seconds: float = Field(
        300.0, gt=0, le=3600, description="read timeout of exports (an XLSX is sent when done)"
    )
    internal_token_ttl_seconds: int = Field(60, ge=5, le=600)
    max_intake_body_bytes: int = Field(256 * 1024, ge=1024)
    # The intake service's import limit (INTAKE_IMPORT_MAX_BYTES) plus room for the form.
    max_import_body_bytes: int = Field(50 * 1024 * 1024 + 64 * 1024, ge=1024)
    import_upload_timeout_seconds: float = Field(120.0, gt=0, le=600)
    max_ockto_body_bytes: int = Field(
        64 * 1024 * 1024,
        ge=1024,
        description="the callback's hard cut-off; the assessment service refuses (and records) "
        "anything above its own, smaller limit",
    )
    max_file_check_body_bytes: int = Field(20 * 1024 * 1024 + 64 * 1024, ge=1024)
