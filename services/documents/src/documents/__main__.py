from pathlib import Path

from documents.main import build_runtime, create_app
from documents.settings import DocumentsSettings
from servicekit.cli import run

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    settings = DocumentsSettings()
    run(
        settings=settings,
        migrations=MIGRATIONS,
        app_factory=lambda: create_app(settings),
        default_port=8003,
        runtime_factory=lambda: build_runtime(settings),
    )
