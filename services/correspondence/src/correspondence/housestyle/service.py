"""The house style of a municipality: a neutral default until it saves its own."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.housestyle import repository
from correspondence.housestyle.images import sanitise
from correspondence.housestyle.models import HouseStyle
from correspondence.housestyle.schemas import HouseStyleIn, HouseStyleOut


def neutral(code: str, name: str) -> HouseStyle:
    """What a new municipality sends with on day one (not stored until it saves its own)."""
    return HouseStyle(
        municipality_code=code,
        version=0,
        primary_color="#1f4e79",
        accent_color="#d9e2ec",
        sender_name=name,
        sender_block=f"{name}\nTeam Inkomen",
        return_address=f"{name}, Team Inkomen",
        signature_name="Team Inkomen",
        signature_function=name,
        footer=name,
        objection_to=f"het college van burgemeester en wethouders van {name}",
        objection_address=f"{name}, ter attentie van de afdeling Bezwaar",
        objection_url=None,
        contact_phone="14 0" + code[1:],
        contact_email=None,
        updated_by="system",
    )


async def current(session: AsyncSession, *, code: str, name: str) -> HouseStyle:
    style = await repository.get(session, code)
    return style if style is not None else neutral(code, name)


def as_dict(style: HouseStyle) -> dict[str, Any]:
    return {
        "objection_to": style.objection_to,
        "objection_address": style.objection_address,
        "objection_url": style.objection_url,
        "contact_phone": style.contact_phone,
        "contact_email": style.contact_email,
        "signature_name": style.signature_name,
    }


async def save(
    session: AsyncSession, *, code: str, body: HouseStyleIn, actor: str, now: datetime
) -> HouseStyle:
    """Store a new version; images are checked (and PNGs re-encoded) first."""
    existing = await repository.get(session, code, for_update=True)
    logo: bytes | None = None
    logo_type: str | None = None
    if body.logo is not None:
        logo, logo_type = sanitise(body.logo.data(), body.logo.content_type), body.logo.content_type
    elif body.keep_logo and existing is not None:
        logo, logo_type = existing.logo, existing.logo_type
    signature: bytes | None = None
    signature_type: str | None = None
    if body.signature_image is not None:
        signature = sanitise(body.signature_image.data(), body.signature_image.content_type)
        signature_type = body.signature_image.content_type
    elif existing is not None:
        signature, signature_type = existing.signature_image, existing.signature_image_type
    values = body.model_dump(exclude={"logo", "signature_image", "keep_logo"})
    style = existing or HouseStyle(municipality_code=code, version=0)
    for key, value in values.items():
        setattr(style, key, value)
    style.version = (existing.version if existing else 0) + 1
    style.logo, style.logo_type = logo, logo_type
    style.signature_image, style.signature_image_type = signature, signature_type
    style.updated_by, style.updated_at = actor, now
    await repository.put(session, style)
    return style


def out(style: HouseStyle) -> HouseStyleOut:
    return HouseStyleOut(
        municipality_code=style.municipality_code,
        version=style.version,
        is_default=style.version == 0,
        primary_color=style.primary_color,
        accent_color=style.accent_color,
        sender_name=style.sender_name,
        sender_block=style.sender_block,
        return_address=style.return_address,
        signature_name=style.signature_name,
        signature_function=style.signature_function,
        footer=style.footer,
        objection_to=style.objection_to,
        objection_address=style.objection_address,
        objection_url=style.objection_url,
        contact_phone=style.contact_phone,
        contact_email=style.contact_email,
        logo_type=style.logo_type,
        logo_base64=base64.b64encode(style.logo).decode() if style.logo else None,
        signature_image_type=style.signature_image_type,
        updated_by=style.updated_by if style.version else None,
        updated_at=style.updated_at if style.version else None,
    )
