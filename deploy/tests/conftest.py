"""Fixtures of the deployment tests: each service's settings classes, and loading them from an
environment as the service would at start (production refuses weak or missing settings)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from pydantic_settings import BaseSettings

SERVICES = ("gateway", "intake", "cases", "documents", "assessment", "correspondence")
PREFIXES = ("BACKOFFICE_", *(f"{service.upper()}_" for service in SERVICES))


def _settings_classes() -> dict[str, list[type[BaseSettings]]]:
    from assessment.settings import AssessmentSettings
    from cases.settings import CasesSettings
    from correspondence.settings import CorrespondenceSettings
    from documents.settings import DocumentsSettings
    from gateway.settings import GatewaySettings
    from gateway.ui.settings import UiSettings
    from intake.settings import IntakeSettings

    return {
        "gateway": [GatewaySettings, UiSettings],
        "intake": [IntakeSettings],
        "cases": [CasesSettings],
        "documents": [DocumentsSettings],
        "assessment": [AssessmentSettings],
        "correspondence": [CorrespondenceSettings],
    }


@pytest.fixture(scope="session")
def settings_classes() -> dict[str, list[type[BaseSettings]]]:
    return _settings_classes()


@pytest.fixture
def load_settings(
    monkeypatch: pytest.MonkeyPatch, settings_classes: dict[str, list[type[BaseSettings]]]
) -> Callable[[str, dict[str, str]], list[BaseSettings]]:
    """Load a service's settings from exactly this environment (nothing of the test's own)."""

    def load(service: str, environment: dict[str, str]) -> list[BaseSettings]:
        for name in os.environ:
            if name.startswith(PREFIXES):
                monkeypatch.delenv(name)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return [settings() for settings in settings_classes[service]]

    return load
