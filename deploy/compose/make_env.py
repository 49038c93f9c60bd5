"""Write `deploy/compose/.env` (ignored by git) with fresh random secrets for compose.yaml: the
same Secrets as the Kubernetes local overlay, plus the PostgreSQL and RabbitMQ passwords. An
existing file is kept, so a re-run never locks the data out.

    python deploy/compose/make_env.py [--into PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCAL_SECRETS = HERE.parent / "kubernetes" / "overlays" / "local" / "make_secrets.py"


def variables() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("make_secrets", LOCAL_SECRETS)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {LOCAL_SECRETS}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    merged: dict[str, str] = {
        "POSTGRES_PASSWORD": secrets.token_urlsafe(32),
        "RABBITMQ_PASSWORD": secrets.token_urlsafe(32),
    }
    for values in module.local_secrets().values():
        merged.update(values)
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=HERE / ".env")
    path = parser.parse_args().into
    if path.exists():
        print(f"kept {path}")
        return
    path.write_text("".join(f"{key}={value}\n" for key, value in sorted(variables().items())))
    path.chmod(0o600)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
