"""The public API of licences: what a municipality's licence includes; operators set it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.api.common import errors
from contracts.licences import ADDON_LABEL, FEATURE_LABEL, Addon, Feature, Licence
from gateway import repository
from gateway.audit.service import Actor
from gateway.client_address import client_address_of
from gateway.licences import service
from gateway.schemas import PROBLEMS
from gateway.security import require
from servicekit.auth import Permission, Principal
from servicekit.http import correlation_id_of
from servicekit.runtime import ServiceRuntime

router = APIRouter(prefix="/api/v1")

LicenceReader = Annotated[Principal, Depends(require(Permission.LICENCES_READ))]
LicenceManager = Annotated[Principal, Depends(require(Permission.LICENCES_MANAGE))]
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="CBS code, e.g. `0363`")]
_NOT_FOUND = "gemeente niet gevonden (of niet binnen uw organisatie)"


class AddonOut(BaseModel):
    addon: Addon
    label: str


class FeatureOut(BaseModel):
    feature: Feature
    label: str
    included: bool
    reason: str | None = Field(
        description="why the licence does not include it (Dutch), null when it does"
    )


class LicenceOut(BaseModel):
    code: str
    licence: Licence
    licence_label: str
    addons: list[AddonOut]
    features: list[FeatureOut]
    default: bool = Field(description="true while no operator set a licence (the default)")


class LicenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    licence: str = Field(description="basis, extra or premium", examples=["premium"])
    addons: list[str] = Field(
        default=[], description="add-ons of that licence", examples=[["rechtmatigheid"]]
    )


def _out(held: service.MunicipalityLicenceView) -> LicenceOut:
    return LicenceOut(
        code=held.code,
        licence=held.licence,
        licence_label=held.licence_label,
        addons=[AddonOut(addon=a, label=ADDON_LABEL[a]) for a in sorted(held.addons)],
        features=[
            FeatureOut(
                feature=feature,
                label=FEATURE_LABEL[feature],
                included=held.has(feature),
                reason=held.refusal(feature) or None,
            )
            for feature in Feature
        ],
        default=not held.stored,
    )


def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


@router.get(
    "/municipalities/{code}/licence",
    tags=["licences"],
    summary="The municipality's licence, its add-ons and every feature with what it includes",
    description="Any staff role of the municipality (or of its ISD); another answers 404.",
    response_model=LicenceOut,
    responses={**errors(403, 404, 422), **PROBLEMS},
)
async def get_licence(request: Request, principal: LicenceReader, code: Code) -> LicenceOut:
    async with _runtime(request).database.transaction() as session:
        known = await repository.get_municipality(session, code) is not None
        if not known or not principal.may_see(code):
            raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
        return _out(await service.licence_of(session, code))


@router.put(
    "/municipalities/{code}/licence",
    tags=["licences"],
    summary="Set the municipality's licence (operators)",
    description=(
        "Audited, and announced to every service (`gateway.municipality.licence_changed`), "
        "which enforce it from then on. Downgrading deletes nothing: it stops new use. An "
        "unknown licence, or an add-on of another licence, answers 422 with the reason."
    ),
    response_model=LicenceOut,
    responses={
        **errors(400, 403, 404, 422, e400="the body is not JSON (or not UTF-8)"),
        **PROBLEMS,
    },
)
async def put_licence(
    request: Request, principal: LicenceManager, code: Code, body: LicenceIn
) -> LicenceOut:
    async with _runtime(request).database.transaction() as session:
        if await repository.get_municipality(session, code) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
        try:
            held, _ = await service.set_licence(
                session,
                code=code,
                licence=body.licence,
                addons=body.addons,
                by=Actor(principal.subject, client_address_of(request)),
                correlation_id=correlation_id_of(request),
            )
        except service.LicenceInputError as error:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    return _out(held)
