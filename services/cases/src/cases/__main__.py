from pathlib import Path

from cases.main import create_app
from cases.settings import CasesSettings
from servicekit.cli import run

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    run(settings=CasesSettings(), migrations=MIGRATIONS, app_factory=create_app, default_port=8002)
