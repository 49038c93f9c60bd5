"""Events about customer organisations, published by the gateway (which owns them)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from contracts.base import Event
from contracts.licences import Addon, Licence


class MunicipalityRegistered(Event):
    """A municipality became a customer of the backoffice (or its name changed)."""

    event_type: ClassVar[str] = "gateway.municipality.registered"
    version: ClassVar[int] = 1

    code: str = Field(pattern=r"^[0-9]{4}$")
    name: str


class IsdRegistered(Event):
    """An ISD (joint social service) was registered or its members changed."""

    event_type: ClassVar[str] = "gateway.isd.registered"
    version: ClassVar[int] = 1

    isd_id: str
    name: str
    members: tuple[str, ...]


class LicenceChanged(Event):
    """An operator set a municipality's licence; every service enforces it from its own copy.

    Downgrading never deletes data: it stops new use of what the licence no longer includes.
    """

    event_type: ClassVar[str] = "gateway.municipality.licence_changed"
    version: ClassVar[int] = 1

    code: str = Field(pattern=r"^[0-9]{4}$")
    licence: Licence
    addons: tuple[Addon, ...] = ()
    changed_by: str
    changed_at: AwareDatetime


ORGANISATION_EVENTS: tuple[type[Event], ...] = (
    MunicipalityRegistered,
    IsdRegistered,
    LicenceChanged,
)
