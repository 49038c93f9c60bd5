"""Letters as Typst: A4, the address where a Dutch window envelope shows it, the house style.

Many letters are compiled as ONE document (the fixed cost of a compile is paid once per batch)
and split afterwards at the page labels: every letter restarts its page numbering at 1.

Geometry (mm from the sheet's top-left corner): the address window of the usual Dutch
window envelopes (EA5/6 and C5/6, window on the left) lies 20 to 110 mm across and 45 to 85 mm
down; the return address sits on its first line in small type, the addressee below it.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import typst

from correspondence.rendering.markup import to_typst

FONTS = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Open Sans"

PREAMBLE = """\
#set document(title: "Brief", author: "Gemeentepolis backoffice")
#set text(font: "Open Sans", size: 10pt, lang: "nl", region: "NL", hyphenate: false)
#set par(justify: false, leading: 0.62em, spacing: 1.05em)
#set list(indent: 0.4em, body-indent: 0.6em, marker: [•])
#let brand = rgb("#1f4e79")
#let letter(logo: none, sender: (), return-address: "", address: (), date: "",
            reference: "", subject: "", footer: "", signature: none, color: rgb("#1f4e79"),
            body) = {
  pagebreak(weak: true)
  counter(page).update(1)
  if logo != none { place(top + left, dx: -2mm, dy: -8mm, image(logo, height: 18mm)) }
  place(top + right, dy: -8mm, block(width: 62mm, text(size: 8pt, fill: color,
    sender.map(line => [#line]).join(linebreak()))))
  place(top + left, dx: 0mm, dy: 27mm, block(width: 88mm, height: 40mm, {
    text(size: 6.5pt, fill: luma(90), return-address)
    v(1.5mm)
    address.map(line => [#line]).join(linebreak())
  }))
  v(77mm)
  table(columns: (32mm, auto), stroke: none, inset: (x: 0pt, y: 2pt),
    text(size: 8.5pt, fill: luma(70))[Datum], date,
    text(size: 8.5pt, fill: luma(70))[Ons kenmerk], reference,
    text(size: 8.5pt, fill: luma(70))[Onderwerp], strong(subject))
  v(6mm)
  body
  v(4mm)
  if signature != none { signature }
}
"""


@dataclass(frozen=True)
class LetterPage:
    """One letter to lay out: the house style's parts and the rendered body (HTML subset)."""

    body_html: str
    address: tuple[str, ...]
    date: str
    reference: str
    subject: str
    sender: tuple[str, ...] = ()
    return_address: str = ""
    footer: str = ""
    color: str = "#1f4e79"
    signature_name: str = ""
    signature_function: str = ""
    logo: bytes | None = None
    logo_type: str | None = None
    signature_image: bytes | None = None
    signature_image_type: str | None = None
    title: str = "Brief"


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _strings(lines: tuple[str, ...]) -> str:
    return "(" + "".join(f"{_string(line)}, " for line in lines if line) + ")"


@dataclass
class Assets:
    """Images (logos, signatures) written once under the compiler's root, named by content."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="letters-")))
    _known: set[str] = field(default_factory=set)

    def path(self, data: bytes, content_type: str | None) -> str:
        suffix = ".svg" if content_type == "image/svg+xml" else ".png"
        name = hashlib.sha256(data).hexdigest()[:32] + suffix
        if name not in self._known:
            (self.root / name).write_bytes(data)
            self._known.add(name)
        return "/" + name


class LetterCompiler:
    """A kept Typst compiler with the project's own fonts (never the machine's)."""

    def __init__(self) -> None:
        self.assets = Assets()
        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS)]
        )
        self._compiler = typst.Compiler(root=str(self.assets.root), font_paths=fonts)

    def source(self, letters: list[LetterPage]) -> str:
        parts = [PREAMBLE]
        page_style: tuple[str, str] | None = None
        for page in letters:
            logo = _string(self.assets.path(page.logo, page.logo_type)) if page.logo else "none"
            signature = self._signature(page)
            if (page.footer, page.color) != page_style:
                # A `set page` per letter makes Typst lay the batch out again and again
                # (measured: 10x slower at 400 letters); a batch of one municipality has one.
                page_style = (page.footer, page.color)
                parts.append(
                    f"#let brand = rgb({_string(page.color)})\n"
                    f'#set page(paper: "a4", margin: (top: 26mm, bottom: 24mm, left: 22mm, '
                    f'right: 20mm), numbering: "1", footer: align(center, text(size: 7.5pt, '
                    f"fill: luma(90), {_string(page.footer)})))\n"
                )
            parts.append(
                f"#letter(logo: {logo}, sender: {_strings(page.sender)}, "
                f"return-address: {_string(page.return_address)}, "
                f"address: {_strings(page.address)}, date: {_string(page.date)}, "
                f"reference: {_string(page.reference)}, subject: {_string(page.subject)}, "
                f"color: brand, signature: {signature})[\n{to_typst(page.body_html)}\n]\n"
            )
        return "".join(parts)

    def _signature(self, page: LetterPage) -> str:
        lines = [line for line in (page.signature_name, page.signature_function) if line]
        image = ""
        if page.signature_image:
            path = self.assets.path(page.signature_image, page.signature_image_type)
            image = f"image({_string(path)}, height: 14mm), linebreak(), "
        if not lines and not image:
            return "none"
        text = ", linebreak(), ".join(f"[#{_string(line)}]" for line in lines)
        return f"[#{{ ({image}{text}).join() }}]"

    def compile(self, letters: list[LetterPage]) -> bytes:
        """One PDF/A-3b document with every letter, in order."""
        pdf = self._compiler.compile(
            self.source(letters).encode(), format="pdf", pdf_standards=["a-3b"]
        )
        if not isinstance(pdf, bytes):
            raise TypeError("Typst returned no PDF")
        return pdf
