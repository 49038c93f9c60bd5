"""The re-examination import is a Premium feature: intake enforces the licence the gateway
announces (`gateway.municipality.licence_changed`) from its own copy, with a Dutch 403."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from contracts.base import Envelope
from contracts.licences import Feature, Licence, licence_refusal
from contracts.organisations import LicenceChanged
from intake.imports.models import ReExaminationImport
from servicekit.tables import tenant_municipalities
from servicekit.testing import eventually

from ..import_files import csv_bytes, resident
from .conftest import Intake
from .imports_support import known, upload


async def _licence(intake: Intake, code: str, licence: Licence) -> None:
    """The gateway's event on the bus; waits until intake holds it."""
    event = LicenceChanged(
        code=code, licence=licence, changed_by="cli", changed_at=datetime.now(UTC)
    )
    await intake.bus.publish_envelope(
        event.routing_key(), Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
    )

    async def held() -> bool:
        async with intake.database.sessions() as session:
            found = await session.scalar(
                select(tenant_municipalities.c.licence).where(tenant_municipalities.c.code == code)
            )
        return found == licence.value

    await eventually(held, seconds=30)


async def _imports(intake: Intake) -> int:
    async with intake.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ReExaminationImport)) or 0)


async def test_an_import_is_refused_without_re_examinations_in_the_licence(intake: Intake) -> None:
    await known(intake, "0363")
    content = csv_bytes([resident(1)])

    await _licence(intake, "0363", Licence.EXTRA)
    refused = await upload(intake, content)
    refused_imports = await _imports(intake)
    await _licence(intake, "0363", Licence.PREMIUM)
    accepted = await upload(intake, content)

    assert refused.status_code == 403
    assert refused.json()["detail"] == licence_refusal(Feature.RE_EXAMINATIONS, Licence.EXTRA)
    assert "daarvoor is de licentie Premium nodig" in refused.json()["detail"]
    assert refused_imports == 0
    assert accepted.status_code == 202, accepted.text
