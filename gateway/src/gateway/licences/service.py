"""Read and set a municipality's licence; what it does not include, with the reason.

Nothing here commits: the caller's transaction holds the licence, its security audit record
and its `LicenceChanged` event together (the outbox relays the event after the commit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.licences import (
    ADDON_LABEL,
    ADDONS_REQUIRE,
    DEFAULT_ADDONS,
    DEFAULT_LICENCE,
    FEATURE_LABEL,
    LICENCE_LABEL,
    Addon,
    Feature,
    Licence,
    features,
    licence_refusal,
)
from contracts.organisations import LicenceChanged
from gateway import repository
from gateway.audit.service import Actor, record
from gateway.errors import InvalidInputError
from gateway.licences.models import MunicipalityLicence
from servicekit.outbox import add_event

CHANGE_ACTION = "licence.change"
"""The security audit action of a licence change."""

LicenceField = Literal["licence", "addons", "code"]


class LicenceInputError(InvalidInputError):
    """A licence or add-on that does not exist or does not fit; the Dutch message names the
    valid choices, `field` the form field it belongs to."""

    def __init__(self, message: str, *, field: LicenceField) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Unavailable:
    """A feature the licence does not include: shown as "niet beschikbaar" with the reason."""

    feature: Feature
    label: str
    reason: str


@dataclass(frozen=True)
class MunicipalityLicenceView:
    """A municipality's licence as it holds now (`stored` False: the default, never set)."""

    code: str
    licence: Licence
    addons: frozenset[Addon]
    stored: bool = False

    @property
    def licence_label(self) -> str:
        return LICENCE_LABEL[self.licence]

    @property
    def addon_labels(self) -> list[str]:
        return [ADDON_LABEL[addon] for addon in sorted(self.addons)]

    @property
    def features(self) -> frozenset[Feature]:
        return features(self.licence, self.addons)

    def has(self, feature: Feature | str) -> bool:
        return Feature(feature) in self.features

    def refusal(self, feature: Feature | str) -> str:
        """Why the feature is not available (empty when it is)."""
        feature = Feature(feature)
        return "" if feature in self.features else licence_refusal(feature, self.licence)

    @property
    def included(self) -> list[tuple[Feature, str]]:
        return [(feature, FEATURE_LABEL[feature]) for feature in Feature if self.has(feature)]

    @property
    def unavailable(self) -> list[Unavailable]:
        """Every feature the licence does not include, in the order of the licence table."""
        return [
            Unavailable(feature, FEATURE_LABEL[feature], licence_refusal(feature, self.licence))
            for feature in Feature
            if not self.has(feature)
        ]


def default_licence(code: str) -> MunicipalityLicenceView:
    return MunicipalityLicenceView(code, DEFAULT_LICENCE, DEFAULT_ADDONS)


def _choices(values: Iterable[str]) -> str:
    names = list(values)
    return ", ".join(names[:-1]) + f" of {names[-1]}" if len(names) > 1 else names[0]


def parse_licence(value: str) -> Licence:
    """The licence named `value` (case-insensitive), or a Dutch error naming the valid ones."""
    try:
        return Licence(value.strip().lower())
    except ValueError:
        raise LicenceInputError(
            f"Onbekende licentie '{value}'. Kies {_choices(Licence)}.", field="licence"
        ) from None


def parse_addons(licence: Licence, values: Iterable[str]) -> frozenset[Addon]:
    """The add-ons named in `values`; each must exist and belong to `licence`."""
    addons: set[Addon] = set()
    for value in values:
        try:
            addon = Addon(value.strip().lower())
        except ValueError:
            raise LicenceInputError(
                f"Onbekende module '{value}'. Kies {_choices(Addon)}.", field="addons"
            ) from None
        needed = ADDONS_REQUIRE[addon]
        if needed != licence:
            raise LicenceInputError(
                f"De {ADDON_LABEL[addon]} hoort bij de licentie {LICENCE_LABEL[needed]}, "
                f"niet bij {LICENCE_LABEL[licence]}: kies {LICENCE_LABEL[needed]} of laat de "
                "module weg.",
                field="addons",
            )
        addons.add(addon)
    return frozenset(addons)


def _view(row: MunicipalityLicence) -> MunicipalityLicenceView:
    return MunicipalityLicenceView(
        row.code, Licence(row.licence), frozenset(Addon(a) for a in row.addons), stored=True
    )


async def licence_of(session: AsyncSession, code: str) -> MunicipalityLicenceView:
    """The municipality's licence (the default when an operator never set one)."""
    row = await session.get(MunicipalityLicence, code)
    return default_licence(code) if row is None else _view(row)


features_of = licence_of
"""What a screen asks before it offers a feature: `(await features_of(session, code)).has(...)`
and `.refusal(...)`; for an ISD user, `code` is the case's municipality."""


async def all_licences(session: AsyncSession) -> dict[str, MunicipalityLicenceView]:
    """The licence of every municipality, by code (the default where none was set)."""
    stored = {row.code: _view(row) for row in (await session.scalars(select(MunicipalityLicence)))}
    return {
        m.code: stored.get(m.code) or default_licence(m.code)
        for m in await repository.list_municipalities(session)
    }


async def set_licence(
    session: AsyncSession,
    *,
    code: str,
    licence: str,
    addons: Iterable[str] = (),
    by: Actor,
    correlation_id: str,
) -> tuple[MunicipalityLicenceView, bool]:
    """Set the municipality's licence; on a change, record it in the security audit and
    publish `LicenceChanged`, in the caller's transaction. Returns the licence as it now
    holds and whether it changed."""
    chosen = parse_licence(licence)
    chosen_addons = parse_addons(chosen, addons)
    if await repository.get_municipality(session, code) is None:
        raise LicenceInputError(f"Onbekende gemeente '{code}'.", field="code")
    current = await licence_of(session, code)
    if (current.licence, current.addons) == (chosen, chosen_addons):
        return current, False
    changed_at = datetime.now(UTC)
    sorted_addons = sorted(a.value for a in chosen_addons)
    await session.execute(
        insert(MunicipalityLicence)
        .values(
            code=code,
            licence=chosen.value,
            addons=sorted_addons,
            changed_by=by.ref,
            changed_at=changed_at,
        )
        .on_conflict_do_update(
            index_elements=[MunicipalityLicence.code],
            set_={
                "licence": chosen.value,
                "addons": sorted_addons,
                "changed_by": by.ref,
                "changed_at": changed_at,
            },
        )
    )
    await record(
        session,
        action=CHANGE_ACTION,
        object_=f"municipality:{code}",
        result=f"success: {_describe(current.licence, current.addons)} -> "
        f"{_describe(chosen, chosen_addons)}",
        actor=by.ref,
        origin_ip=by.origin_ip,
        organisation=code,
    )
    await add_event(
        session,
        LicenceChanged(
            code=code,
            licence=chosen,
            addons=tuple(Addon(a) for a in sorted_addons),
            changed_by=by.ref,
            changed_at=changed_at,
        ),
        correlation_id=correlation_id,
    )
    return MunicipalityLicenceView(code, chosen, chosen_addons, stored=True), True


def _describe(licence: Licence, addons: frozenset[Addon]) -> str:
    return "+".join([licence.value, *sorted(a.value for a in addons)])
