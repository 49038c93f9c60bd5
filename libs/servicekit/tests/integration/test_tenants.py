"""Each service's copy of the municipalities and their licences, against real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from fastapi import HTTPException

from contracts.base import EnvelopeHeader
from contracts.licences import Addon, Feature, Licence
from contracts.organisations import LicenceChanged, MunicipalityRegistered
from servicekit.db import Database
from servicekit.routes import HandlerContext
from servicekit.tables import TENANT_METADATA
from servicekit.tenants import (
    LicenceRefusedError,
    get_tenant,
    licence_changed,
    municipality_registered,
    require_feature,
)


@pytest.fixture
async def database(scratch_database_url: str) -> AsyncIterator[Database]:
    db = Database(scratch_database_url)
    async with db.engine.begin() as connection:
        await connection.run_sync(TENANT_METADATA.create_all)
    yield db
    await db.dispose()


def _envelope(event_type: str) -> EnvelopeHeader:
    return EnvelopeHeader(
        event_id=uuid.uuid4(),
        event_type=event_type,
        version=1,
        occurred_at=datetime.now(UTC),
        producer="gateway",
        correlation_id="test",
    )


async def _register(db: Database, code: str, name: str) -> None:
    async with db.transaction() as session:
        await municipality_registered(
            HandlerContext(session, _envelope(MunicipalityRegistered.event_type)),
            MunicipalityRegistered(code=code, name=name),
        )


async def _set_licence(db: Database, code: str, licence: Licence, *addons: Addon) -> None:
    event = LicenceChanged(
        code=code,
        licence=licence,
        addons=addons,
        changed_by="operator",
        changed_at=datetime.now(UTC),
    )
    async with db.transaction() as session:
        await licence_changed(HandlerContext(session, _envelope(event.event_type)), event)


async def test_a_new_municipality_has_every_feature_until_its_licence_is_set(
    database: Database,
) -> None:
    await _register(database, "0363", "Amsterdam")
    async with database.transaction() as session:
        tenant = await require_feature(session, "0363", Feature.ADVICE)
    assert tenant.name == "Amsterdam"
    assert tenant.licence is Licence.PREMIUM


async def test_a_basis_licence_refuses_decisions_with_a_dutch_message_naming_it(
    database: Database,
) -> None:
    await _register(database, "1525", "Teylingen")
    await _set_licence(database, "1525", Licence.BASIS)
    async with database.transaction() as session:
        await require_feature(session, "1525", Feature.CASES)
        with pytest.raises(LicenceRefusedError) as refused:
            await require_feature(session, "1525", Feature.DECISIONS)
    assert "Basis" in str(refused.value)
    assert "Extra" in str(refused.value)


async def test_the_advice_needs_the_addon_on_premium_and_a_renaming_keeps_the_licence(
    database: Database,
) -> None:
    await _set_licence(database, "0534", Licence.PREMIUM)
    await _register(database, "0534", "Hillegom")
    async with database.transaction() as session:
        with pytest.raises(LicenceRefusedError) as refused:
            await require_feature(session, "0534", Feature.ADVICE)
        assert "Module Rechtmatigheid" in str(refused.value)
        tenant = await get_tenant(session, "0534")
    assert tenant is not None
    assert (tenant.name, tenant.licence) == ("Hillegom", Licence.PREMIUM)
    await _set_licence(database, "0534", Licence.PREMIUM, Addon.RECHTMATIGHEID)
    async with database.transaction() as session:
        await require_feature(session, "0534", Feature.ADVICE)


async def test_an_unknown_municipality_is_not_found(database: Database) -> None:
    async with database.transaction() as session:
        with pytest.raises(HTTPException) as missing:
            await require_feature(session, "9999", Feature.CASES)
    assert missing.value.status_code == 404


def test_an_addon_adds_nothing_to_a_smaller_licence() -> None:
    from contracts.licences import features

    assert Feature.ADVICE not in features(Licence.EXTRA, {Addon.RECHTMATIGHEID})
    assert features(Licence.BASIS) < features(Licence.EXTRA) < features(Licence.PREMIUM)
