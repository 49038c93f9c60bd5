from pathlib import Path

from intake.main import create_app
from intake.settings import IntakeSettings
from servicekit.cli import run

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    run(settings=IntakeSettings(), migrations=MIGRATIONS, app_factory=create_app, default_port=8001)
