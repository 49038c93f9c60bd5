"""What the routes take from the app: the runtime, the settings, the keyring, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from assessment.crypto import Keyring
from assessment.ockto.client import OcktoClient
from assessment.settings import AssessmentSettings
from servicekit.runtime import ServiceRuntime


@dataclass
class Parts:
    """Built in the lifespan; the routes and workers share them."""

    runtime: ServiceRuntime
    settings: AssessmentSettings
    keyring: Keyring
    ockto: OcktoClient

    def now(self) -> datetime:
        return self.runtime.clock.now()


def parts(request: Request) -> Parts:
    found: Parts = request.app.state.parts
    return found
