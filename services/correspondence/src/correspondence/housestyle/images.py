"""Logos and signature images: PNG re-encoded (no metadata), SVG refused when it could run
code or fetch something; both with clear Dutch reasons."""

from __future__ import annotations

import io
import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 2 * 1024 * 1024
_EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$", re.IGNORECASE)
_FORBIDDEN_SVG = {"script", "foreignobject", "iframe", "embed", "object", "use"}


class ImageProblem(ValueError):  # noqa: N818 - shown to the user
    pass


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def check_svg(data: bytes) -> bytes:
    try:
        root = fromstring(data)
    except DefusedXmlException:
        raise ImageProblem("Het SVG-logo bevat verboden XML-constructies (entiteiten).") from None
    except Exception:
        raise ImageProblem("Het logo is geen geldig SVG-bestand.") from None
    if _local(root.tag) != "svg":
        raise ImageProblem("Het logo is geen SVG-afbeelding.")
    for element in root.iter():
        tag = _local(str(element.tag))
        if tag in _FORBIDDEN_SVG:
            raise ImageProblem(f"Het SVG-logo bevat een niet toegestaan onderdeel: <{tag}>.")
        for attribute, value in element.attrib.items():
            name = _local(attribute)
            if _EVENT_ATTRIBUTE.match(name):
                raise ImageProblem(f"Het SVG-logo bevat code (attribuut {name}).")
            if name == "href" and not value.startswith(("#", "data:image/png", "data:image/jpeg")):
                raise ImageProblem(
                    "Het SVG-logo verwijst naar een extern bestand. Neem alles op in het bestand zelf."
                )
            if "url(" in value and "url(#" not in value.replace(" ", ""):
                raise ImageProblem("Het SVG-logo verwijst naar een extern bestand (url()).")
        if (
            tag == "style"
            and element.text
            and ("@import" in element.text or "url(" in element.text)
        ):
            raise ImageProblem("Het SVG-logo haalt opmaak of bestanden van buiten op.")
    return data


def check_png(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ImageProblem("Het logo moet een PNG- of SVG-bestand zijn.")
            if image.width * image.height > 4000 * 4000:
                raise ImageProblem("Het logo is te groot (hoogstens 4000 × 4000 pixels).")
            image.load()
            out = io.BytesIO()
            image.save(out, format="PNG")  # re-encoded: no metadata, no trailing data
            return out.getvalue()
    except (UnidentifiedImageError, OSError):
        raise ImageProblem("Het logo is geen geldig PNG-bestand.") from None


def sanitise(data: bytes, content_type: str) -> bytes:
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageProblem("Het logo is groter dan 2 MB.")
    if content_type == "image/svg+xml":
        return check_svg(data)
    if content_type == "image/png":
        return check_png(data)
    raise ImageProblem("Het logo moet een PNG- of SVG-bestand zijn.")
