"""Every secret of every service is checked one way (`servicekit.settings`), and each service,
started as `make up` and a deployment start it (`python -m <service> serve`), refuses to run
in production on a development secret and names it; with real secrets it starts.

The first test walks every settings class of the workspace, so a new service or a new secret
is covered here, or fails here, without anyone remembering to add it.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import pkgutil
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic_settings import BaseSettings

from assessment.__main__ import MIGRATIONS as ASSESSMENT_MIGRATIONS
from assessment.settings import AssessmentSettings
from cases.__main__ import MIGRATIONS as CASES_MIGRATIONS
from cases.settings import CasesSettings
from correspondence.__main__ import MIGRATIONS as CORRESPONDENCE_MIGRATIONS
from correspondence.settings import CorrespondenceSettings
from demodata.system import ROOT, SERVICES, LocalSystem
from documents.__main__ import MIGRATIONS as DOCUMENTS_MIGRATIONS
from documents.settings import DocumentsSettings
from gateway.settings import MIGRATIONS as GATEWAY_MIGRATIONS
from gateway.settings import GatewaySettings
from gateway.ui.settings import UiSettings
from intake.__main__ import MIGRATIONS as INTAKE_MIGRATIONS
from intake.settings import IntakeSettings
from servicekit.db import create_database_if_missing
from servicekit.migrations import upgrade
from servicekit.settings import (
    EnvironmentSettings,
    SecretField,
    ServiceSettings,
    secret_fields,
    undeclared_secrets,
)

pytestmark = pytest.mark.e2e

SERVICE_SETTINGS: dict[str, tuple[type[EnvironmentSettings], ...]] = {
    "intake": (IntakeSettings,),
    "cases": (CasesSettings,),
    "gateway": (GatewaySettings, UiSettings),
    "documents": (DocumentsSettings,),
    "assessment": (AssessmentSettings,),
    "correspondence": (CorrespondenceSettings,),
}
"""The settings classes each service reads when it starts."""
MIGRATIONS = {
    "intake": INTAKE_MIGRATIONS,
    "cases": CASES_MIGRATIONS,
    "gateway": GATEWAY_MIGRATIONS,
    "documents": DOCUMENTS_MIGRATIONS,
    "assessment": ASSESSMENT_MIGRATIONS,
    "correspondence": CORRESPONDENCE_MIGRATIONS,
}


def _first_party_packages() -> list[str]:
    sources = [*ROOT.glob("libs/*/src/*"), *ROOT.glob("services/*/src/*"), ROOT / "gateway/src"]
    packages = {path.name for path in sources if (path / "__init__.py").exists()}
    packages |= {p.name for p in (ROOT / "gateway/src").iterdir() if (p / "__init__.py").exists()}
    packages.discard("src")
    return sorted(packages)


def _all_settings_classes() -> set[type[BaseSettings]]:
    """Every BaseSettings subclass defined in the workspace's packages (all modules imported)."""
    packages = _first_party_packages()
    for name in packages:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if not module.name.endswith("__main__"):
                importlib.import_module(module.name)
    found: set[type[BaseSettings]] = set()
    todo: list[type[BaseSettings]] = [BaseSettings]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.split(".")[0] in packages:
                found.add(subclass)
    return found


def service_secrets(service: str) -> dict[str, SecretField]:
    """The secrets a service needs; an optional one without a default (an SMTP password for a
    relay that asks none) is left out: there is no development value to refuse."""
    return {
        secret.env: secret
        for settings_class in SERVICE_SETTINGS[service]
        for secret in secret_fields(settings_class)
        if secret.development_default is not None
    }


def real_value(secret: SecretField) -> str:
    if secret.env == "GATEWAY_TOTP_ENCRYPTION_KEY":
        return Fernet.generate_key().decode()
    if secret.env == "ASSESSMENT_PACKAGE_KEYS":
        # A keyring of one new key under the default key id (the id is no secret).
        key_id = AssessmentSettings.model_fields["package_key_id"].default
        return f"{key_id}:" + base64.b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_urlsafe(48)


def test_every_settings_class_checks_its_secrets_and_every_service_is_started_below() -> None:
    found = _all_settings_classes()
    listed = {cls for classes in SERVICE_SETTINGS.values() for cls in classes}

    unchecked = [cls for cls in found if not issubclass(cls, EnvironmentSettings)]
    assert unchecked == [], "settings outside servicekit.settings.EnvironmentSettings"
    assert [cls for cls in found if undeclared_secrets(cls)] == []
    services = {
        cls for cls in found if issubclass(cls, ServiceSettings) and cls is not ServiceSettings
    }
    assert services <= listed, "add the new service's settings to SERVICE_SETTINGS"
    assert set(SERVICE_SETTINGS) == set(SERVICES)
    for service in SERVICE_SETTINGS:
        secrets_of = service_secrets(service)
        assert "BACKOFFICE_INTERNAL_TOKEN_SECRET" in secrets_of
        for secret in secrets_of.values():
            assert secret.development_default is not None, secret.env
            assert len(secret.development_default) >= secret.min_length, secret.env


@pytest.fixture
def local(postgres_server_url: str, amqp_url: str, tmp_path: Path) -> Iterator[LocalSystem]:
    system = LocalSystem(
        postgres_server_url=postgres_server_url, amqp_url=amqp_url, logs=tmp_path / "logs"
    )
    try:
        yield system
    finally:
        system.stop_all()


def refusal(system: LocalSystem, service: str, settings: dict[str, str]) -> str:
    """Start the service in production with `settings`; what it printed before it exited."""
    system.start(service, settings={"BACKOFFICE_ENVIRONMENT": "production", **settings})
    process = system.processes.pop(service)
    try:
        code = process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"{service} started in production with {sorted(settings)}")
    log = (system.logs / f"{service}.log").read_text()
    (system.logs / f"{service}.log").unlink()
    assert code != 0, log
    return log


@pytest.mark.parametrize("service", sorted(SERVICE_SETTINGS))
def test_production_refuses_each_development_secret_by_name(
    local: LocalSystem, service: str
) -> None:
    """As an operator would: start, set what the refusal names, start again, until none is
    left. Every secret must be named on the way, and no value may be printed."""
    secrets_of = service_secrets(service)
    settings = {env: str(secret.development_default) for env, secret in secrets_of.items()}
    named: set[str] = set()
    while set(secrets_of) - named:
        log = refusal(local, service, settings)
        now_named = {env for env in secrets_of if f"{env} is still its development default" in log}
        assert now_named, f"{service} refused without naming a secret:\n{log[-2000:]}"
        assert not now_named & named, "a secret set to a real value was named again"
        for value in settings.values():
            assert value not in log.replace("development default", ""), "a value was printed"
        named |= now_named
        settings |= {env: real_value(secrets_of[env]) for env in now_named}
    assert named == set(secrets_of)


def test_production_starts_every_service_with_real_secrets(local: LocalSystem) -> None:
    real = {
        env: real_value(secret)
        for service in SERVICE_SETTINGS
        for env, secret in service_secrets(service).items()
    }
    real["INTAKE_WEBSITE_HMAC_SECRET"] = local.website_secret
    real["BACKOFFICE_INTERNAL_TOKEN_SECRET"] = local.internal_secret
    # The test's mail catcher speaks plain SMTP on 127.0.0.1 (a relay on the same host).
    real["CORRESPONDENCE_SMTP_ALLOW_PLAINTEXT_IN_PRODUCTION"] = "true"
    for service, migrations in MIGRATIONS.items():
        url = local.database_url(service)
        asyncio.run(create_database_if_missing(url))
        upgrade(migrations, url)  # in this process: each Python start costs seconds here
    try:
        for service in SERVICES:
            local.start(service, settings={"BACKOFFICE_ENVIRONMENT": "production", **real})
        local.wait_ready(*SERVICES, seconds=90)
    finally:
        local.stop_all()
        local.drop_databases()
