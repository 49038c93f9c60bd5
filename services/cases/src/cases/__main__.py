from pathlib import Path

from cases.main import build_runtime, create_app
from cases.settings import CasesSettings
from servicekit.cli import run

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    settings = CasesSettings()
    run(
        settings=settings,
        migrations=MIGRATIONS,
        app_factory=create_app,
        default_port=8002,
        runtime_factory=lambda: build_runtime(settings),
    )
