"""`python -m ockto_simulator [--port 8010]`; settings from OCKTO_SIMULATOR_* variables."""

from __future__ import annotations

import argparse
import os

import uvicorn

from ockto_simulator.app import SimulatorSettings, create_app

DEVELOPMENT_API_KEY = "development-only-ockto-api-key"
DEVELOPMENT_WEBHOOK_SECRET = "development-only-ockto-webhook-secret"  # noqa: S105


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ockto_simulator")
    parser.add_argument("command", nargs="?", choices=["serve"], default="serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    arguments = parser.parse_args()
    settings = SimulatorSettings(
        api_key=os.environ.get("OCKTO_SIMULATOR_API_KEY", DEVELOPMENT_API_KEY),
        webhook_secret=os.environ.get("OCKTO_SIMULATOR_WEBHOOK_SECRET", DEVELOPMENT_WEBHOOK_SECRET),
        public_url=os.environ.get(
            "OCKTO_SIMULATOR_PUBLIC_URL", f"http://{arguments.host}:{arguments.port}"
        ).rstrip("/"),
    )
    uvicorn.run(
        create_app(settings),
        host=arguments.host,
        port=arguments.port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
