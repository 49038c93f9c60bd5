from gateway.main import create_app
from gateway.settings import MIGRATIONS, GatewaySettings
from servicekit.cli import run

if __name__ == "__main__":
    run(
        settings=GatewaySettings(), migrations=MIGRATIONS, app_factory=create_app, default_port=8000
    )
