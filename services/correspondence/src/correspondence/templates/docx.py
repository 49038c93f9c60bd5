"""Municipal Word letters (.docx): checked on upload, merged per letter.

A merge field is a field whatever runs of text Word split it over (`$TUSSEN` + `VOEGSEL$`),
in the body, table cells, headers and footers; the merged value takes the formatting of the
field's first character. Refused on upload: anything that is not a plain .docx (a PDF or
another file renamed, a .docm with macros), a ZIP bomb, XML with entity tricks.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator

from defusedxml import ElementTree as SafeElementTree  # noqa: F401 - refuses entity tricks
from defusedxml.ElementTree import fromstring as safe_fromstring
from lxml import etree

from correspondence.templates.sandbox import FIELD, TemplateProblem, refuse_unknown

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
MAIN_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
MACRO_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
MAX_ENTRIES = 500
MAX_RATIO = 200


def _signature_problem(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "Dit bestand is een PDF met de extensie .docx. Upload het Word-bestand zelf."
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "Dit is een oud Word-bestand (.doc). Sla het in Word op als .docx en upload het opnieuw."
    if not data.startswith(b"PK\x03\x04"):
        return "Dit bestand is geen Word-document (.docx)."
    return None


def _parts(data: bytes, *, max_unpacked: int) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TemplateProblem("Dit bestand is geen geldig Word-document (.docx).") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise TemplateProblem("Het Word-document bevat te veel onderdelen.")
    declared = sum(info.file_size for info in infos)
    if declared > max_unpacked or any(
        info.compress_size and info.file_size / info.compress_size > MAX_RATIO for info in infos
    ):
        raise TemplateProblem("Het Word-document is uitgepakt veel te groot (een 'zipbom').")
    names = {info.filename for info in infos}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise TemplateProblem("Het Word-document bevat macro's (.docm). Dat is niet toegestaan.")
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        with archive.open(info) as member:
            content = member.read(max_unpacked - total + 1)  # never trust the declared size
        total += len(content)
        if total > max_unpacked:
            raise TemplateProblem("Het Word-document is uitgepakt veel te groot (een 'zipbom').")
        parts[info.filename] = content
    return parts


def _check_content_types(parts: dict[str, bytes]) -> None:
    types = parts.get("[Content_Types].xml")
    if types is None or "word/document.xml" not in parts:
        raise TemplateProblem("Dit bestand is geen Word-document (.docx).")
    text = types.decode("utf-8", "replace")
    if MACRO_CONTENT_TYPE in text:
        raise TemplateProblem("Het Word-document bevat macro's (.docm). Dat is niet toegestaan.")
    if MAIN_CONTENT_TYPE not in text:
        raise TemplateProblem("Dit bestand is geen gewoon Word-document (.docx).")


def _xml(data: bytes) -> etree._Element:
    safe_fromstring(data)  # raises on DTDs, entities, external references
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def _paragraphs(root: etree._Element) -> Iterator[list[etree._Element]]:
    """The `w:t` elements of each paragraph, in order (nested paragraphs, e.g. text boxes, on
    their own)."""
    for paragraph in root.iter(f"{_W}p"):
        texts = [
            t
            for t in paragraph.iter(f"{_W}t")
            if next(t.iterancestors(f"{_W}p"), None) is paragraph
        ]
        if texts:
            yield texts


def _fields_of(root: etree._Element) -> set[str]:
    found: set[str] = set()
    for texts in _paragraphs(root):
        found |= {m.group(1) for m in FIELD.finditer("".join(t.text or "" for t in texts))}
    return found


def inspect(data: bytes, *, max_bytes: int, max_unpacked: int) -> set[str]:
    """Check an uploaded letter and return its fields; `TemplateProblem` in Dutch if refused."""
    if len(data) > max_bytes:
        raise TemplateProblem(f"Het Word-document is groter dan {max_bytes // (1024 * 1024)} MB.")
    problem = _signature_problem(data)
    if problem:
        raise TemplateProblem(problem)
    parts = _parts(data, max_unpacked=max_unpacked)
    _check_content_types(parts)
    fields: set[str] = set()
    for name, content in parts.items():
        if _PARTS.match(name):
            try:
                fields |= _fields_of(_xml(content))
            except Exception:
                raise TemplateProblem(f"Het Word-document is beschadigd ({name}).") from None
    refuse_unknown(fields)
    return fields


def _set_text(element: etree._Element, text: str) -> None:
    element.text = text
    if text != text.strip() or "  " in text:
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _write_lines(first: etree._Element, value: str) -> None:
    """Put a multi-line value (e.g. the reasons as bullets) into the run of `first`."""
    lines = value.split("\n")
    _set_text(first, lines[0])
    anchor = first
    for line in lines[1:]:
        br = etree.Element(f"{_W}br")
        anchor.addnext(br)
        t = etree.Element(f"{_W}t")
        _set_text(t, line)
        br.addnext(t)
        anchor = t


def _merge_paragraph(texts: list[etree._Element], value_of: Callable[[str], str]) -> None:
    joined = "".join(t.text or "" for t in texts)
    matches = list(FIELD.finditer(joined))
    if not matches:
        return
    # Map each character of the joined text back to its w:t and offset.
    owners: list[tuple[int, int]] = []
    for index, t in enumerate(texts):
        owners.extend((index, offset) for offset in range(len(t.text or "")))
    pieces = [list(t.text or "") for t in texts]
    for match in reversed(matches):
        start, end = match.span()
        first_index, first_offset = owners[start]
        for position in range(start, end):
            index, offset = owners[position]
            pieces[index][offset] = ""
        pieces[first_index][first_offset] = value_of(match.group(1))
    multiline: list[tuple[etree._Element, str]] = []
    for t, chars in zip(texts, pieces, strict=True):
        text = "".join(chars)
        if "\n" in text:
            multiline.append((t, text))
        else:
            _set_text(t, text)
    for t, text in multiline:
        _write_lines(t, text)


def merge(data: bytes, value_of: Callable[[str], str]) -> bytes:
    """The letter with every field replaced by its value (only known fields exist: checked)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if _PARTS.match(info.filename):
                root = _xml(content)
                for texts in _paragraphs(root):
                    _merge_paragraph(texts, value_of)
                content = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )
            target.writestr(info, content)
    return out.getvalue()


def text_of(data: bytes) -> str:
    """All text of the body, headers and footers (for tests and previews)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    out: list[str] = []
    for name in archive.namelist():
        if _PARTS.match(name):
            for texts in _paragraphs(_xml(archive.read(name))):
                out.append("".join(t.text or "" for t in texts))
    return "\n".join(out)
