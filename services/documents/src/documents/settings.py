"""Settings of the documents service (env prefix `DOCUMENTS_`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import Secret, SecretSetting, ServiceSettings, default_database_url

DEVELOPMENT_LINK_SECRET = "development-only-documents-link-secret-change-me"  # noqa: S105
DEVELOPMENT_S3_ACCESS_KEY = "backoffice-development"
DEVELOPMENT_S3_SECRET_KEY = "development-only-s3-secret-change-me"  # noqa: S105
MIB = 1024 * 1024


class DocumentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="DOCUMENTS_", extra="ignore", populate_by_name=True
    )

    service_name: str = "documents"
    database_url: str = default_database_url("backoffice_documents")

    s3_endpoint: str = Field(
        "http://127.0.0.1:9000", description="any S3 API: MinIO, or moto_server locally"
    )
    # An access key is an identifier, but the development one must not reach production either.
    s3_access_key: Annotated[Secret, SecretSetting(min_length=3)] = DEVELOPMENT_S3_ACCESS_KEY
    s3_secret_key: Annotated[Secret, SecretSetting(min_length=8)] = DEVELOPMENT_S3_SECRET_KEY
    s3_region: str = "us-east-1"
    evidence_bucket: str = Field("backoffice-evidence", min_length=3, max_length=63)
    letters_bucket: str = Field("backoffice-letters", min_length=3, max_length=63)
    s3_part_bytes: int = Field(
        8 * MIB, ge=5 * MIB, le=64 * MIB, description="multipart part size (S3 minimum 5 MiB)"
    )
    s3_timeout_seconds: float = Field(30.0, gt=0, le=600)

    public_base_url: str = Field(
        "http://127.0.0.1:8000", description="where residents reach the portal (the gateway)"
    )
    link_secret: Secret = Field(
        DEVELOPMENT_LINK_SECRET,
        description="HMAC key of upload-link tokens and of address pseudonyms; rotating it "
        "ends every link that was sent",
    )
    spool_dir: Path | None = Field(
        None, description="where uploads wait on disk while they are checked (default: tmp)"
    )

    max_file_bytes: int = Field(25 * MIB, ge=1024, description="per file")
    max_case_bytes: int = Field(250 * MIB, ge=1024, description="all documents of one case")
    max_files_per_request: int = Field(10, ge=1, le=50)
    max_image_pixels: int = Field(
        50_000_000, ge=1_000_000, description="larger images are refused as possible bombs"
    )
    max_docx_uncompressed_bytes: int = Field(100 * MIB, ge=MIB)
    inspection_concurrency: int = Field(
        2, ge=1, le=32, description="files checked at once (bounds the memory of decoding)"
    )
    clamd_url: str | None = Field(
        None,
        description="`unix:///run/clamav/clamd.ctl` or `tcp://host:3310`; unset: no virus scan",
        pattern=r"^(unix://.+|tcp://[^:/]+:[0-9]+)$",
    )
    clamd_timeout_seconds: float = Field(30.0, gt=0, le=600)

    portal_uploads_per_address_per_minute: int = Field(30, ge=1)
    portal_uploads_per_link_per_minute: int = Field(20, ge=1)
    portal_pages_per_address_per_minute: int = Field(120, ge=1)
    link_max_days: int = Field(92, ge=1, le=366, description="longest validity of a link")

    retention_letter_years: int = Field(7, ge=1, le=100, description="default: decisions, letters")
    retention_evidence_years: int = Field(1, ge=1, le=100, description="default: evidence")
    sweep_seconds: float = Field(3600.0, gt=0, description="how often retention runs")
    sweep_batch_size: int = Field(100, ge=1, le=10_000)
    pending_object_grace_seconds: int = Field(
        3600, ge=60, description="age after which an unfinished upload's object is removed"
    )
