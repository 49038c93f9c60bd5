from pathlib import Path

from intake.main import build_runtime, create_app
from intake.settings import IntakeSettings
from servicekit.cli import run

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    settings = IntakeSettings()
    run(
        settings=settings,
        migrations=MIGRATIONS,
        app_factory=create_app,
        default_port=8001,
        runtime_factory=lambda: build_runtime(settings),
    )
