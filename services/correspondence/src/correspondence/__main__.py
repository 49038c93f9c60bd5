from pathlib import Path

from correspondence.main import build_runtime, create_app
from correspondence.settings import CorrespondenceSettings
from servicekit.cli import run

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    settings = CorrespondenceSettings()
    run(
        settings=settings,
        migrations=MIGRATIONS,
        app_factory=lambda: create_app(settings),
        default_port=8005,
        runtime_factory=lambda: build_runtime(settings),
    )
