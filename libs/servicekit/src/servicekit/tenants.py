"""Each service's own copy of the customer municipalities: name and licence.

The gateway owns organisations and announces them (`gateway.municipality.registered`,
`gateway.municipality.licence_changed`); a service that needs a municipality's name (letters)
or licence (every feature check) keeps this copy, filled by `consume_tenants`, and never asks
the gateway. The table is written out in each service's own migration
(`servicekit.tables.tenant_municipalities`).

A licence is enforced where the feature is used: `require_feature(...)` answers a 403 with a
Dutch message naming the licence. Downgrading stops new use only; nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, status
from sqlalchemy import Row, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.licences import (
    DEFAULT_ADDONS,
    DEFAULT_LICENCE,
    Addon,
    Feature,
    Licence,
    features,
    licence_refusal,
)
from contracts.organisations import LicenceChanged, MunicipalityRegistered
from servicekit.routes import EventHandler, HandlerContext
from servicekit.runtime import ServiceRuntime
from servicekit.tables import tenant_municipalities as table


@dataclass(frozen=True)
class Tenant:
    code: str
    name: str
    licence: Licence
    addons: frozenset[Addon]

    @property
    def features(self) -> frozenset[Feature]:
        return features(self.licence, self.addons)

    def has(self, feature: Feature) -> bool:
        return feature in self.features


class LicenceRefusedError(Exception):
    """The municipality's licence does not include the feature (HTTP 403, Dutch message)."""

    def __init__(self, tenant: Tenant, feature: Feature) -> None:
        super().__init__(licence_refusal(feature, tenant.licence))
        self.tenant = tenant
        self.feature = feature


async def municipality_registered(context: HandlerContext, event: MunicipalityRegistered) -> None:
    statement = insert(table).values(
        code=event.code,
        name=event.name,
        licence=DEFAULT_LICENCE.value,
        addons=sorted(a.value for a in DEFAULT_ADDONS),
    )
    await context.session.execute(
        statement.on_conflict_do_update(index_elements=["code"], set_={"name": event.name})
    )


async def licence_changed(context: HandlerContext, event: LicenceChanged) -> None:
    values = {"licence": event.licence.value, "addons": sorted(a.value for a in event.addons)}
    # The licence may overtake the registration on the bus: the name follows with it.
    statement = insert(table).values(code=event.code, name=event.code, **values)
    await context.session.execute(
        statement.on_conflict_do_update(index_elements=["code"], set_=values)
    )


def consume_tenants(
    runtime: ServiceRuntime,
    *,
    purpose: str = "tenants",
    then: EventHandler[LicenceChanged] | None = None,
) -> None:
    """Keep this service's copy of the municipalities, on its own queue `<service>.tenants`;
    `then` acts on a licence change in the same transaction (e.g. pausing what it stops)."""

    async def changed(context: HandlerContext, event: LicenceChanged) -> None:
        await licence_changed(context, event)
        if then is not None:
            await then(context, event)

    consumer = runtime.consumer(purpose)
    consumer.on(MunicipalityRegistered, municipality_registered)
    consumer.on(LicenceChanged, changed)


def _tenant(row: Row[Any]) -> Tenant:
    return Tenant(
        code=row.code,
        name=row.name,
        licence=Licence(row.licence),
        addons=frozenset(Addon(a) for a in row.addons),
    )


async def get_tenant(session: AsyncSession, code: str) -> Tenant | None:
    row = (await session.execute(select(table).where(table.c.code == code))).one_or_none()
    return None if row is None else _tenant(row)


async def list_tenants(session: AsyncSession) -> list[Tenant]:
    rows = await session.execute(select(table).order_by(table.c.code))
    return [_tenant(row) for row in rows]


async def require_feature(session: AsyncSession, code: str, feature: Feature) -> Tenant:
    """The municipality, when its licence includes `feature`; else `LicenceRefusedError`.

    An unknown municipality is refused as not found: it is no customer of this service (yet).
    """
    tenant = await get_tenant(session, code)
    if tenant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "gemeente niet gevonden")
    if not tenant.has(feature):
        raise LicenceRefusedError(tenant, feature)
    return tenant
