"""Files for the tests, made here: good ones of every accepted type and the bad ones of the
issue's list (scripts in PDFs, macros, ZIPs called DOCX, polyglots, image bombs, ...)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pikepdf
import pillow_heif
from PIL import Image

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
GPS_IFD = 0x8825
_DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCX_BODY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Loonstrook maart</w:t></w:r></w:p></w:body></w:document>"
)


def pdf(*, pages: int = 1, padding: int = 0) -> bytes:
    """A plain PDF; `padding` bytes of incompressible content make it as large as needed."""
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    if padding:
        blob = pikepdf.Stream(document, bytes(_noise(padding)))
        document.pages[0].obj["/PieceInfo"] = pikepdf.Dictionary(
            {"/Padding": pikepdf.Dictionary({"/Private": document.make_indirect(blob)})}
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _noise(size: int) -> bytes:
    import random

    return random.Random(size).randbytes(size)


def pdf_with_javascript() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    action = pikepdf.Dictionary(
        {"/S": pikepdf.Name.JavaScript, "/JS": pikepdf.String("app.alert(1)")}
    )
    document.Root.OpenAction = document.make_indirect(action)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_with_embedded_file() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    document.attachments["run.exe"] = pikepdf.AttachedFileSpec(
        document, b"MZ\x90\x00 not a program"
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def jpeg(*, size: tuple[int, int] = (64, 48), gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Telefoonmaker"  # Make
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (52.0, 22.0, 30.0), 3: "E", 4: (4.0, 53.0, 10.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(*, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def heic(*, gps: bool = True) -> bytes:
    image = Image.new("RGB", (64, 48), (20, 60, 200))
    exif = Image.Exif()
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (52.0, 22.0, 30.0), 3: "E", 4: (4.0, 53.0, 10.0)}
    out = io.BytesIO()
    pillow_heif.from_pillow(image).save(out, format="HEIF", exif=exif.tobytes())
    return out.getvalue()


def docx(*, extra: dict[str, bytes] | None = None, content_types: bytes = _DOCX_TYPES) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", _DOCX_BODY)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_with_macros() -> bytes:
    types = _DOCX_TYPES.replace(b"document.main+xml", b"document.macroEnabled.main+xml").replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}, content_types=types)


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("foto.jpg", jpeg())
        archive.writestr("leesmij.txt", b"hallo")
    return out.getvalue()


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def pdf_zip_polyglot() -> bytes:
    """A PDF that is a ZIP archive as well (the ZIP's directory at the end)."""
    return pdf() + plain_zip()


def jpeg_html_polyglot() -> bytes:
    """A JPEG whose first kilobyte carries an HTML page (in a comment segment)."""
    page = b"<html><script>alert(1)</script></html>"
    segment = b"\xff\xfe" + struct.pack(">H", len(page) + 2) + page
    data = jpeg()
    return data[:2] + segment + data[2:]


def png_bomb(side: int = 12_000) -> bytes:
    """A small PNG (a few kB) that decodes to `side` x `side` pixels."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
