"""Photos and scans re-encoded from their pixels: no EXIF (location!), no comments, no
trailing data; a HEIC photo from a phone becomes a JPEG that every screen can show."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Final

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from documents.safety.errors import RefusedFileError
from documents.safety.filetypes import HEIC, JPEG, PNG, FileType

_PILLOW_FORMAT: Final = {JPEG.key: {"JPEG", "MPO"}, PNG.key: {"PNG"}, HEIC.key: {"HEIF"}}
_JPEG_QUALITY: Final = 90


@functools.cache
def _heif_opener() -> None:
    """Teach Pillow HEIC (once per process, on first use: nothing happens at import)."""
    pillow_heif.register_heif_opener()


def _bomb() -> RefusedFileError:
    return RefusedFileError(
        "Deze afbeelding is te groot (te veel beeldpunten). Maak een kleinere foto of scan.",
        status_code=422,
        reason="image_bomb",
    )


def reencode(source: Path, target: Path, *, file_type: FileType, max_pixels: int) -> None:
    """Decode the image and write its pixels anew to `target` (JPEG or PNG, no metadata).

    The pixel count is checked from the header, before anything is decoded; Pillow's own
    decompression-bomb check guards the decoders as well.
    """
    _heif_opener()
    damaged = RefusedFileError(
        f"Deze {file_type.label}-afbeelding is beschadigd en kan niet worden geopend.",
        status_code=422,
        reason="image_damaged",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(source) as image:
                if image.format not in _PILLOW_FORMAT[file_type.key]:
                    raise damaged
                width, height = image.size
                if width * height > max_pixels:
                    raise _bomb()
                image.load()
                upright = ImageOps.exif_transpose(image)
                _save(upright, target, file_type=file_type)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _bomb() from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            raise damaged from None


def _save(image: Image.Image, target: Path, *, file_type: FileType) -> None:
    """Only the pixels (and the colour profile, which says nothing about the person)."""
    profile = image.info.get("icc_profile")
    extra = {"icc_profile": profile} if isinstance(profile, bytes) else {}
    if file_type.stored_type == PNG.stored_type:
        mode = (
            image.mode
            if image.mode in {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}
            else "RGBA"
        )
        image.convert(mode).save(target, format="PNG", **extra)
        return
    mode = "L" if image.mode in {"1", "L", "LA", "I", "I;16"} else "RGB"
    image.convert(mode).save(target, format="JPEG", quality=_JPEG_QUALITY, optimize=True, **extra)
