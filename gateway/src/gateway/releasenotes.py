"""The release notes as a staff page (`/ui/releasenotes`), linked from every page's footer.

`docs/releasenotes.md` is the text; the image holds the gateway package but not `docs/`, so the
package carries a copy (`gateway/releasenotes.md`) and a unit test fails when the two differ.
The markdown is the small subset the notes use (headings, paragraphs, bullet lists, bold,
italic, code), rendered here with everything escaped: no dependency for one page, and no HTML
from the file ever reaches the browser.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request, Response
from markupsafe import Markup

from gateway.ui.web import OverviewStaff, render

NOTES = Path(__file__).with_name("releasenotes.md")

router = APIRouter(prefix="/ui", include_in_schema=False)

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_HEADING = re.compile(r"^(#{1,6}) (.*)$")


def _inline(text: str) -> str:
    """Escape, then mark up code spans (their content left as is), bold and italic."""
    parts = _CODE.split(html.escape(text, quote=False))
    for index, part in enumerate(parts):
        if index % 2:
            parts[index] = f"<code>{part}</code>"
        else:
            parts[index] = _ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", part))
    return "".join(parts)


def render_markdown(text: str) -> Markup:
    """The notes' markdown as HTML; every character of the source is escaped."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            lis = "".join(f"<li>{_inline(' '.join(item))}</li>" for item in items)
            out.append(f"<ul>{lis}</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        heading = _HEADING.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            level = min(len(heading.group(1)), 6)
            out.append(f"<h{level}>{_inline(heading.group(2).strip())}</h{level}>")
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append([line[2:].strip()])
        elif items and line.startswith(" "):
            items[-1].append(line.strip())
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return Markup("\n".join(out))  # noqa: S704 - built from escaped text only


@cache
def release_notes() -> Markup:
    return render_markdown(NOTES.read_text(encoding="utf-8"))


@router.get("/releasenotes")
async def releasenotes(request: Request, staff: OverviewStaff) -> Response:
    return render(request, "releasenotes.html", staff=staff, notes=release_notes())
