"""Customer organisations: municipalities, ISDs and the built-in `platform` organisation.

Every add or change writes its event to the outbox in the same transaction; nothing here
commits (the entrypoint does).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.organisations import IsdRegistered, MunicipalityRegistered
from gateway import repository
from gateway.audit.service import CLI
from gateway.errors import InvalidInputError
from gateway.licences import service as licences
from gateway.models import PLATFORM
from servicekit.outbox import add_event

MUNICIPALITY_CODE = re.compile(r"^[0-9]{4}$")
ISD_ID = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
MAX_NAME_LENGTH = 200

Change = Literal["added", "changed", "unchanged"]
OrganisationKind = Literal["municipality", "isd", "platform"]


@dataclass(frozen=True)
class Organisation:
    kind: OrganisationKind
    id: str
    name: str
    members: tuple[str, ...] = ()


def validate_code(code: str) -> str:
    """A 4-digit CBS municipality code, or InvalidInputError."""
    if not MUNICIPALITY_CODE.fullmatch(code):
        raise InvalidInputError(
            f"municipality code {code!r} is malformed: expected 4 digits (CBS code, e.g. 0363)"
        )
    return code


def validate_isd_id(isd_id: str) -> str:
    if isd_id == PLATFORM or not ISD_ID.fullmatch(isd_id):
        raise InvalidInputError(
            f"ISD id {isd_id!r} is malformed: expected lowercase letters, digits and '-', "
            "starting with a letter (e.g. isd-bollenstreek); 'platform' is reserved"
        )
    return isd_id


def validate_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInputError(f"name must be 1 to {MAX_NAME_LENGTH} characters")
    return cleaned


async def register_municipality(
    session: AsyncSession, *, code: str, name: str, correlation_id: str
) -> Change:
    """Add a customer municipality or rename it; publishes MunicipalityRegistered on a change."""
    code, name = validate_code(code), validate_name(name)
    existing = await repository.get_municipality(session, code)
    if existing is not None and existing.name == name:
        return "unchanged"
    if existing is None:
        await repository.add_municipality(session, code=code, name=name)
    else:
        await repository.rename_municipality(session, code=code, name=name)
    await add_event(
        session, MunicipalityRegistered(code=code, name=name), correlation_id=correlation_id
    )
    return "added" if existing is None else "changed"


async def register_isd(
    session: AsyncSession, *, isd_id: str, name: str, members: list[str], correlation_id: str
) -> Change:
    """Add an ISD or change its name or members; publishes IsdRegistered on a change."""
    isd_id, name = validate_isd_id(isd_id), validate_name(name)
    codes = tuple(sorted({validate_code(code.strip()) for code in members}))
    if not codes:
        raise InvalidInputError("an ISD needs at least one member municipality")
    unknown = sorted(set(codes) - await repository.known_municipality_codes(session, codes))
    if unknown:
        raise InvalidInputError(
            f"ISD {isd_id!r} names unknown municipalities: {', '.join(unknown)} "
            "(add them first with `backoffice-admin org add-municipality`)"
        )
    existing = await repository.get_isd(session, isd_id)
    if existing is not None:
        current = await repository.isd_members(session, isd_id)
        if existing.name == name and current == codes:
            return "unchanged"
    await repository.save_isd(
        session, isd_id=isd_id, name=name, members=codes, exists=existing is not None
    )
    await add_event(
        session,
        IsdRegistered(isd_id=isd_id, name=name, members=codes),
        correlation_id=correlation_id,
    )
    return "added" if existing is None else "changed"


class _SeedMunicipality(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    name: str
    licence: str | None = None
    """basis, extra or premium; without it the municipality keeps the licence it has (a new
    one: the default)."""
    addons: list[str] = []


class _SeedIsd(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    members: list[str] = Field(min_length=1)


class SeedFile(BaseModel):
    """The organisations file (`deploy/seed/organisations.json`)."""

    model_config = ConfigDict(extra="forbid")
    municipalities: list[_SeedMunicipality] = []
    isds: list[_SeedIsd] = []


def read_seed_file(path: Path) -> SeedFile:
    try:
        return SeedFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise InvalidInputError(f"cannot read seed file {path}: {error.strerror}") from error
    except (json.JSONDecodeError, ValidationError) as error:
        raise InvalidInputError(f"seed file {path} is not valid: {error}") from error


async def seed(
    session: AsyncSession, data: SeedFile, *, correlation_id: str
) -> list[tuple[str, str, Change]]:
    """Load the organisations idempotently: events only for what is new or changed (a
    municipality's optional `licence` too, audited as the CLI's change)."""
    results: list[tuple[str, str, Change]] = []
    for municipality in data.municipalities:
        change = await register_municipality(
            session, code=municipality.code, name=municipality.name, correlation_id=correlation_id
        )
        results.append(("municipality", municipality.code, change))
        if municipality.licence is not None:
            _, licence_changed = await licences.set_licence(
                session,
                code=municipality.code,
                licence=municipality.licence,
                addons=municipality.addons,
                by=CLI,
                correlation_id=correlation_id,
            )
            results.append(
                ("licence", municipality.code, "changed" if licence_changed else "unchanged")
            )
    for isd in data.isds:
        change = await register_isd(
            session,
            isd_id=isd.id,
            name=isd.name,
            members=isd.members,
            correlation_id=correlation_id,
        )
        results.append(("isd", isd.id, change))
    return results


async def find_organisation(session: AsyncSession, organisation_id: str) -> Organisation:
    """The organisation with this id (CBS code, ISD id or `platform`), or InvalidInputError."""
    if organisation_id == PLATFORM:
        return Organisation(kind="platform", id=PLATFORM, name="Platform (operators)")
    if MUNICIPALITY_CODE.fullmatch(organisation_id):
        municipality = await repository.get_municipality(session, organisation_id)
        if municipality is None:
            raise InvalidInputError(f"unknown municipality {organisation_id!r}")
        return Organisation(kind="municipality", id=municipality.code, name=municipality.name)
    validate_isd_id(organisation_id)
    isd = await repository.get_isd(session, organisation_id)
    if isd is None:
        raise InvalidInputError(f"unknown ISD {organisation_id!r}")
    members = await repository.isd_members(session, isd.id)
    return Organisation(kind="isd", id=isd.id, name=isd.name, members=members)


async def list_organisations(session: AsyncSession) -> list[Organisation]:
    """All organisations: platform, then municipalities, then ISDs."""
    result = [Organisation(kind="platform", id=PLATFORM, name="Platform (operators)")]
    result.extend(
        Organisation(kind="municipality", id=m.code, name=m.name)
        for m in await repository.list_municipalities(session)
    )
    result.extend(
        Organisation(kind="isd", id=isd.id, name=isd.name, members=members)
        for isd, members in await repository.list_isds(session)
    )
    return result
