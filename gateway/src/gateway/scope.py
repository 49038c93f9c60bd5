"""Which municipalities a caller may see: the Principal of an API key, and overview scope."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway import repository
from gateway.errors import InvalidInputError
from gateway.organisations import Organisation, find_organisation
from servicekit.auth import Principal, Role


class OutOfScopeError(LookupError):
    """The caller asked for an organisation it may not see; answered as 404, not 403."""


def principal_for(organisation: Organisation, *, subject: str, role: Role) -> Principal:
    """Municipality → its own code; ISD → its member codes; platform → all municipalities."""
    if organisation.kind == "platform":
        return Principal(
            subject=subject, organisation=organisation.id, role=role, all_municipalities=True
        )
    codes = organisation.members if organisation.kind == "isd" else (organisation.id,)
    return Principal(subject=subject, organisation=organisation.id, role=role, municipalities=codes)


def municipality_scope(principal: Principal, code: str, *, known: bool) -> tuple[str, ...]:
    """One municipality, which must be known and in the caller's scope."""
    if not known or not principal.may_see(code):
        raise OutOfScopeError(code)
    return (code,)


def isd_scope(principal: Principal, isd: Organisation | None) -> tuple[str, ...]:
    """An ISD's members; only the ISD's own keys and platform keys may ask for it."""
    if isd is None or isd.kind != "isd" or not isd.members:
        raise OutOfScopeError("isd")
    if not (principal.all_municipalities or principal.organisation == isd.id):
        raise OutOfScopeError(isd.id)
    return isd.members


def check_municipalities(principal: Principal, codes: list[str]) -> None:
    """Every requested municipality must be in the caller's scope."""
    for code in codes:
        if not principal.may_see(code):
            raise OutOfScopeError(code)


async def overview_municipalities(
    session: AsyncSession, principal: Principal, *, municipality: str | None, isd: str | None
) -> tuple[str, ...]:
    """The municipality codes an overview of one municipality or one ISD covers."""
    if municipality is not None:
        known = await repository.get_municipality(session, municipality) is not None
        return municipality_scope(principal, municipality, known=known)
    try:
        organisation = await find_organisation(session, isd or "")
    except InvalidInputError:
        organisation = None
    return isd_scope(principal, organisation)
