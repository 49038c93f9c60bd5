"""deploy/compose/compose.yaml: valid against the vendored compose-spec schema (no engine runs
here), complete, one image for every service, and every secret set from make_env.py's .env."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from check_jsonschema import main as check_jsonschema  # type: ignore[import-untyped]
from click.testing import CliRunner
from pydantic_settings import BaseSettings

from servicekit.settings import secret_fields

COMPOSE = Path(__file__).resolve().parents[1] / "compose"
FILE = COMPOSE / "compose.yaml"
SCHEMA = COMPOSE / "schema" / "compose-spec.json"
SERVICES = ("gateway", "intake", "cases", "documents", "assessment", "correspondence")
REQUIRED_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+):\?")


def schema_check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(check_jsonschema, ["--schemafile", str(SCHEMA), str(path)])
    return result.exit_code, result.output


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(FILE.read_text())
    return loaded


def make_env() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_env", COMPOSE / "make_env.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_compose_file_is_valid() -> None:
    code, output = schema_check(FILE)
    assert code == 0, output


@pytest.mark.parametrize(
    "wrong",
    [
        {"services": {"gateway": {"image": "x", "depends_on": {"db": {"condition": "done"}}}}},
        {"services": {"gateway": {"image": "x", "helthcheck": {"test": ["CMD", "true"]}}}},
        {"servces": {"gateway": {"image": "x"}}},
    ],
)
def test_a_wrong_compose_file_is_refused(wrong: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(wrong))
    code, output = schema_check(path)
    assert code == 1, output


def test_every_part_runs_and_the_services_share_one_hardened_image() -> None:
    services = compose()["services"]
    assert {*SERVICES, "postgres", "rabbitmq", "minio", "mailcatcher", "migrate"} <= set(services)
    ours = {name: s for name, s in services.items() if s.get("build")}
    assert set(SERVICES) <= set(ours)
    assert {s["image"] for s in ours.values()} == {"gemeentepolis-backoffice:local"}
    for name, service in ours.items():
        assert service["read_only"] is True, name
        assert service["user"] == "10001:10001", name
        assert service["cap_drop"] == ["ALL"], name
    migrations = services["migrate"]["command"][-1]
    for name in SERVICES:
        assert f"python -m {name} migrate" in migrations
        assert services[name]["command"][:4] == ["python", "-m", name, "serve"]
        assert "healthcheck" in services[name], name
    assert services["unoserver"]["network_mode"] == "service:correspondence"
    # The documents service reaches MinIO as its own user, never as MinIO's root.
    environment = compose()["x-app"]["environment"]
    assert "MINIO_ROOT" not in environment["DOCUMENTS_S3_ACCESS_KEY"]
    assert "MINIO_ROOT" not in environment["DOCUMENTS_S3_SECRET_KEY"]
    assert services["documents"]["depends_on"]["minio-users"] == {
        "condition": "service_completed_successfully"
    }


def test_every_secret_comes_from_the_environment_and_make_env_provides_it() -> None:
    environment = compose()["x-app"]["environment"]
    from assessment.settings import AssessmentSettings
    from cases.settings import CasesSettings
    from correspondence.settings import CorrespondenceSettings
    from documents.settings import DocumentsSettings
    from gateway.settings import GatewaySettings
    from gateway.ui.settings import UiSettings
    from intake.settings import IntakeSettings

    classes: list[type[BaseSettings]] = [
        AssessmentSettings,
        CasesSettings,
        CorrespondenceSettings,
        DocumentsSettings,
        GatewaySettings,
        UiSettings,
        IntakeSettings,
    ]
    for settings in classes:
        for field in secret_fields(settings):
            if field.development_default is None:
                continue  # optional (the SMTP password: the mail catcher takes mail without)
            value = environment[field.env]
            assert REQUIRED_VARIABLE.search(value), f"{field.env} must be required: {value}"
    required = set(REQUIRED_VARIABLE.findall(FILE.read_text()))
    assert required <= set(make_env().variables()), required - set(make_env().variables())


def test_make_env_keeps_an_existing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / ".env"
    monkeypatch.setattr("sys.argv", ["make_env.py", "--into", str(path)])
    module = make_env()
    module.main()
    first = path.read_text()
    assert "POSTGRES_PASSWORD=" in first
    module.main()
    assert path.read_text() == first


def interpolated(value: str, variables: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?message}`, as the engine would."""

    def one(found: re.Match[str]) -> str:
        name, operator, rest = found.group(1), found.group(2), found.group(3)
        if name in variables:
            return variables[name]
        if operator == ":-":
            return rest
        raise AssertionError(f"{name} is not set: {rest}")

    return re.sub(r"\$\{([A-Z0-9_]+)(?:(:[-?])([^}]*))?\}", one, value)


def test_every_service_accepts_the_environment_compose_gives_it(
    load_settings: Callable[[str, dict[str, str]], list[BaseSettings]],
) -> None:
    """With the secrets make_env.py writes, each service loads its settings in the mode Compose
    starts it in (production unless told otherwise): nothing it refuses at start."""
    variables = make_env().variables()
    environment = {
        name: interpolated(str(value), variables)
        for name, value in compose()["x-app"]["environment"].items()
    }
    assert environment["BACKOFFICE_ENVIRONMENT"] == "production"
    for service in SERVICES:
        load_settings(service, environment)
