"""Write the local overlay's Secrets as env files in `secrets/` (ignored by git), with fresh
random values; files that exist are kept, so a re-run keeps the data readable. The production
overlay takes the same Secrets from the external store instead.

    python deploy/kubernetes/overlays/local/make_secrets.py [--into DIR]
"""

from __future__ import annotations

import argparse
import base64
import secrets
from pathlib import Path


def token() -> str:
    return secrets.token_urlsafe(48)


def fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def local_secrets() -> dict[str, dict[str, str]]:
    """Secret name -> its keys; the documents service has a MinIO user of its own."""
    return {
        "backoffice-internal": {"BACKOFFICE_INTERNAL_TOKEN_SECRET": token()},
        "gateway-secrets": {"GATEWAY_TOTP_ENCRYPTION_KEY": fernet_key()},
        "intake-secrets": {
            "INTAKE_WEBSITE_HMAC_SECRET": token(),
            "INTAKE_BSN_HASH_SECRET": token(),
        },
        "cases-secrets": {"CASES_CURSOR_SECRET": token(), "CASES_BSN_HASH_SECRET": token()},
        "documents-secrets": {
            "DOCUMENTS_LINK_SECRET": token(),
            "DOCUMENTS_S3_ACCESS_KEY": "documents",
            "DOCUMENTS_S3_SECRET_KEY": token(),
        },
        "assessment-secrets": {
            "ASSESSMENT_OCKTO_API_KEY": token(),
            "ASSESSMENT_OCKTO_WEBHOOK_SECRET": token(),
            "ASSESSMENT_PACKAGE_KEYS": f"local-1:{base64.b64encode(secrets.token_bytes(32)).decode()}",
            "ASSESSMENT_PACKAGE_KEY_ID": "local-1",
            "ASSESSMENT_BSN_HASH_SECRET": token(),
        },
        # The mail catcher takes mail without a login: no SMTP user or password here.
        "correspondence-secrets": {"CORRESPONDENCE_BOUNCE_SECRET": token()},
        "minio-root": {"MINIO_ROOT_USER": "backoffice-admin", "MINIO_ROOT_PASSWORD": token()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=Path(__file__).resolve().parent / "secrets")
    into = parser.parse_args().into
    into.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, values in local_secrets().items():
        path = into / f"{name}.env"
        if path.exists():
            continue
        path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
        path.chmod(0o600)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
