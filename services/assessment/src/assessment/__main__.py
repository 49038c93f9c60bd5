from pathlib import Path

from assessment.main import build_runtime, create_app
from assessment.settings import AssessmentSettings
from servicekit.cli import run

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    settings = AssessmentSettings()
    run(
        settings=settings,
        migrations=MIGRATIONS,
        app_factory=lambda: create_app(settings),
        default_port=8004,
        runtime_factory=lambda: build_runtime(settings),
    )
