"""Sealing decision letters with the municipality's certificate (PAdES, pyHanko)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers


@lru_cache(maxsize=64)
def _signer(path: Path, passphrase: str | None) -> signers.SimpleSigner:
    signer: signers.SimpleSigner | None = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        pfx_file=str(path), passphrase=passphrase.encode() if passphrase else None
    )
    if signer is None:
        raise ValueError("the sealing certificate could not be read")
    return signer


def seal(pdf: bytes, *, pkcs12_path: Path, passphrase: str | None, name: str) -> bytes:
    """The PDF with an invisible PAdES-B-B seal (an incremental update keeps the PDF/A parts)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name="Zegel",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Besluit van het college van burgemeester en wethouders",
        name=name,
    )
    out = io.BytesIO()
    signers.PdfSigner(metadata, signer=_signer(pkcs12_path, passphrase)).sign_pdf(
        writer, output=out
    )
    return out.getvalue()
