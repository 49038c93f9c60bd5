"""Huisstijl: a municipality's logo, colours, sender block, signature, footer and return address
(issue 12, item 1), edited by the functioneel beheerder.

The correspondence service owns the house style: until a municipality saves its own, it answers
a neutral default, so letters can go on day one. It sanitises the logo (a PNG re-encoded, an SVG
with code refused) and refuses in Dutch; that sentence is shown next to the upload. The preview
shows the saved logo and colours as images (the page's policy allows no inline styles); a sample
letter with the house style is the template preview under Sjablonen.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData, UploadFile

from gateway.cases.screens.letters import SERVICE
from gateway.ui.backend import Answer, call
from gateway.ui.web import (
    PageNotFoundError,
    Staff,
    choose_municipality,
    municipalities_of,
    render,
    require,
)
from servicekit.auth import Permission

router = APIRouter(prefix="/ui/huisstijl", include_in_schema=False)

HouseStyleManager = Annotated[Staff, Depends(require(Permission.TEMPLATES_MANAGE))]
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$")]

MAX_IMAGE_BYTES = 2 * 1024 * 1024
NOT_SAVED = "De huisstijl is niet opgeslagen."
TEXTS: dict[str, tuple[str, int, bool]] = {
    # name: (label, maximum length, required)
    "sender_name": ("Naam van de afzender", 200, True),
    "sender_block": ("Afzenderblok", 1000, False),
    "return_address": ("Retouradres", 200, False),
    "signature_name": ("Naam van de ondertekenaar", 200, False),
    "signature_function": ("Functie van de ondertekenaar", 200, False),
    "footer": ("Voettekst", 500, False),
    "objection_to": ("Bezwaar richten aan", 300, True),
    "objection_address": ("Adres voor bezwaar", 300, True),
    "objection_url": ("Website voor bezwaar", 300, False),
    "contact_phone": ("Telefoonnummer", 50, False),
    "contact_email": ("E-mailadres", 200, False),
}
OPTIONAL = ("objection_url", "contact_phone", "contact_email")
"""Sent as null when empty (the others as an empty text)."""
COLOURS = {"primary_color": "Hoofdkleur", "accent_color": "Accentkleur"}
_HEX = frozenset("0123456789abcdefABCDEF")


async def _name_of(request: Request, staff: Staff, code: str) -> str:
    names = dict(await municipalities_of(request, staff))
    if code not in names:
        raise PageNotFoundError
    return names[code]


def swatch(colour: str) -> str:
    """A small image of one colour (a data URI; the page allows no inline styles)."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="24">'
        f'<rect width="48" height="24" fill="{colour}" stroke="#000"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _is_colour(value: str) -> bool:
    return len(value) == 7 and value.startswith("#") and all(c in _HEX for c in value[1:])


def _preview(style: dict[str, Any] | None) -> dict[str, Any]:
    if style is None:
        return {}
    logo = style.get("logo_base64")
    logo_type = style.get("logo_type")
    return {
        "logo": f"data:{logo_type};base64,{logo}"
        if logo and logo_type in ("image/png", "image/svg+xml")
        else "",
        "colours": [
            (label, str(style.get(name) or ""), swatch(str(style.get(name))))
            for name, label in COLOURS.items()
            if _is_colour(str(style.get(name) or ""))
        ],
    }


async def _page(
    request: Request,
    staff: Staff,
    code: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    failure: str = "",
) -> Response:
    name = await _name_of(request, staff, code)
    current = await call(request, staff, SERVICE, "GET", f"/municipalities/{code}/house-style")
    style = current.data if current.ok and isinstance(current.data, dict) else None
    entered: dict[str, Any] = dict(values or {})
    for key in (*TEXTS, *COLOURS):
        entered.setdefault(key, str((style or {}).get(key) or ""))
    several = len(await municipalities_of(request, staff)) > 1
    return render(
        request,
        "house_style.html",
        staff=staff,
        status_code=status_code,
        active="huisstijl",
        code=code,
        name=name,
        several=several,
        style=style,
        error="" if style is not None else current.message(),
        preview=_preview(style),
        texts=TEXTS,
        colours=COLOURS,
        values=entered,
        errors=errors or {},
        failure=failure,
        done=request.query_params.get("gedaan") == "opgeslagen",
        max_image_mb=MAX_IMAGE_BYTES // (1024 * 1024),
    )


@router.get("")
async def choose(request: Request, staff: HouseStyleManager) -> Response:
    return await choose_municipality(
        request, staff, path="/ui/huisstijl", template="house_style_choose.html", active="huisstijl"
    )


@router.get("/{code}")
async def house_style(request: Request, staff: HouseStyleManager, code: Code) -> Response:
    return await _page(request, staff, code)


async def _image(form: FormData, name: str, errors: dict[str, str]) -> dict[str, str] | None:
    """The uploaded image as the service takes it, or None when none was chosen."""
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read(MAX_IMAGE_BYTES + 1)
    if not data:
        return None
    if len(data) > MAX_IMAGE_BYTES:
        errors[name] = f"Het bestand is groter dan {MAX_IMAGE_BYTES // (1024 * 1024)} MB."
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        content_type = "image/png"
    elif upload.filename.lower().endswith(".svg") or b"<svg" in data[:4096]:
        content_type = "image/svg+xml"
    else:
        errors[name] = "Kies een PNG- of SVG-bestand."
        return None
    return {"content_type": content_type, "data_base64": base64.b64encode(data).decode()}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip().replace("\r\n", "\n") if isinstance(value, str) else ""


def _refusal(answer: Answer, uploaded: list[str]) -> tuple[dict[str, str], str]:
    """The service's refusal next to its field: an image's Dutch reason at the upload."""
    if answer.status == 422 and answer.field_problems:
        errors: dict[str, str] = {}
        for field, _ in answer.field_problems:
            key = field.split(".")[0]
            if key in COLOURS:
                errors[key] = "Kies een kleur als #1A2B3C."
            elif key in TEXTS:
                label, maximum, _required = TEXTS[key]
                errors[key] = f"{label}: vul dit in, hoogstens {maximum} tekens."
            elif key in ("logo", "signature_image"):
                errors[key] = "Dit bestand kunnen wij niet aannemen."
        return errors, f"{NOT_SAVED} Controleer de gemarkeerde velden."
    if answer.status == 422 and answer.service_message and uploaded:
        return {uploaded[0]: answer.service_message}, NOT_SAVED
    return {}, f"{NOT_SAVED} {answer.message()}"


@router.post("/{code}")
async def save(request: Request, staff: HouseStyleManager, code: Code) -> Response:
    await _name_of(request, staff, code)
    form = await request.form()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {key: _text(form, key) for key in (*TEXTS, *COLOURS)}
    for key, (label, maximum, required) in TEXTS.items():
        if len(values[key]) > maximum or (required and not values[key]):
            errors[key] = (
                f"Vul {label.lower()} in (hoogstens {maximum} tekens)."
                if required
                else f"{label}: hoogstens {maximum} tekens."
            )
    for key in COLOURS:
        if not _is_colour(values[key]):
            errors[key] = "Kies een kleur als #1A2B3C."
    logo = await _image(form, "logo", errors)
    signature = await _image(form, "signature_image", errors)
    if errors:
        return await _page(
            request,
            staff,
            code,
            status_code=400,
            errors=errors,
            values=values,
            failure=f"{NOT_SAVED} Controleer de gemarkeerde velden.",
        )
    body: dict[str, Any] = {
        key: (values[key] or None) if key in OPTIONAL else values[key] for key in TEXTS
    }
    body |= {key: values[key].upper() for key in COLOURS}
    body["keep_logo"] = not _text(form, "remove_logo")
    if logo is not None:
        body["logo"] = logo
    if signature is not None:
        body["signature_image"] = signature
    answer = await call(
        request, staff, SERVICE, "PUT", f"/municipalities/{code}/house-style", body=body
    )
    if answer.ok:
        return RedirectResponse(f"/ui/huisstijl/{code}?gedaan=opgeslagen", status_code=303)
    uploaded = [name for name, image in (("logo", logo), ("signature_image", signature)) if image]
    field_errors, failure = _refusal(answer, uploaded)
    return await _page(
        request,
        staff,
        code,
        status_code=answer.refusal_status,
        errors=field_errors,
        values=values,
        failure=failure,
    )
