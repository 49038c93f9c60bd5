"""Rendered template HTML (a small, safe subset) to Typst markup and to plain text.

Every text node goes into Typst as a string literal, so nothing a resident typed (or a field
value) can become Typst code; tags outside the subset keep only their text, scripts vanish.
"""

from __future__ import annotations

import re

import segno
from lxml import html as lxml_html
from lxml.etree import _Element

_SPACE = re.compile(r"\s+")
_DROP = {"script", "style", "head", "title", "iframe", "object"}
_HEADING_SIZE = {"h1": "13pt", "h2": "11.5pt", "h3": "10.5pt"}


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(text: str | None) -> str:
    if not text:
        return ""
    collapsed = _SPACE.sub(" ", text)
    return f"#{_string(collapsed)}" if collapsed.strip() else (" " if collapsed else "")


def parse_fragment(fragment: str) -> _Element:
    root: _Element = lxml_html.fragment_fromstring(fragment or "<p></p>", create_parent="div")
    return root


QR_MASK = 0
"""A fixed mask pattern: choosing the best of the eight (segno's default) was most of a
letter's Python time; every reader decodes any of them."""


def qr_svg(url: str) -> str:
    """The QR code of a link as SVG (crisp at any size, no image library): one path of
    horizontal runs of dark modules, with the quiet zone of two modules around them."""
    code = segno.make(url, error="m", mask=QR_MASK, micro=False)
    border = 2
    size = len(code.matrix) + 2 * border
    runs: list[str] = []
    for y, row in enumerate(code.matrix):
        x, width = 0, len(row)
        while x < width:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < width and row[x]:
                x += 1
            runs.append(f"M{start + border} {y + border + 0.5}h{x - start}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size * 4}" height="{size * 4}" '
        f'viewBox="0 0 {size} {size}"><path fill="none" stroke="#000" stroke-width="1" '
        f'd="{"".join(runs)}"/></svg>'
    )


class _Typst:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def children(self, element: _Element) -> str:
        out = [_text(element.text)]
        for child in element:
            out.append(self.element(child))
            out.append(_text(child.tail))
        return "".join(out)

    def element(self, element: _Element) -> str:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in _DROP or not tag:
            return ""
        inner = self.children(element) if tag not in {"img", "br", "hr"} else ""
        if tag in {"p", "div"}:
            return f"\n\n{inner.strip()}\n\n"
        if tag == "br":
            return " \\\n"
        if tag in {"strong", "b"}:
            return f"#strong[{inner}]"
        if tag in {"em", "i"}:
            return f"#emph[{inner}]"
        if tag == "u":
            return f"#underline[{inner}]"
        if tag in _HEADING_SIZE:
            size = _HEADING_SIZE[tag]
            return (
                f'\n\n#block(above: 1.1em, below: 0.6em)[#text(weight: "bold", size: {size}, '
                f"fill: brand)[{inner.strip()}]]\n\n"
            )
        if tag in {"ul", "ol"}:
            function = "list" if tag == "ul" else "enum"
            items = [
                f"[{self.children(item).strip()}]"
                for item in element
                if isinstance(item.tag, str) and item.tag.lower() == "li"
            ]
            return f"\n\n#{function}({', '.join(items)})\n\n" if items else ""
        if tag == "li":
            return f"\n\n#list([{inner.strip()}])\n\n"
        if tag == "a":
            href = element.get("href", "")
            return f"#link({_string(href)})[{inner}]" if href else inner
        if tag == "img" and element.get("data-qr"):
            svg = qr_svg(element.get("data-qr", ""))
            return f'#box(image(bytes({_string(svg)}), format: "svg", width: 3cm))'
        if tag == "table":
            return self.table(element)
        return inner

    def table(self, table: _Element) -> str:
        rows = list(table.iter("tr"))
        if not rows:
            return ""
        width = max(len([c for c in row if c.tag in {"td", "th"}]) for row in rows)
        cells: list[str] = []
        for row in rows:
            row_cells = [c for c in row if c.tag in {"td", "th"}]
            for cell in row_cells:
                content = self.children(cell).strip()
                cells.append(f"[#strong[{content}]]" if cell.tag == "th" else f"[{content}]")
            cells.extend("[]" for _ in range(width - len(row_cells)))
        return (
            f"\n\n#table(columns: {width}, stroke: none, inset: (x: 0pt, y: 3pt), "
            f"column-gutter: 1.5em, {', '.join(cells)})\n\n"
        )


def to_typst(fragment: str) -> str:
    """Typst markup of the rendered template's HTML."""
    return _Typst().children(parse_fragment(fragment)).strip()


def to_text(fragment: str) -> str:
    """The plain-text part of an e-mail: paragraphs, bullets, links written out."""
    root = parse_fragment(fragment)
    lines: list[str] = []

    def inline(element: _Element) -> str:
        out = [element.text or ""]
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "br":
                out.append("\n")
            elif tag == "a":
                label = inline(child).strip()
                href = child.get("href", "")
                out.append(f"{label} ({href})" if href and href != label else label)
            elif tag == "img" and child.get("data-qr"):
                out.append(child.get("data-qr", ""))
            elif tag not in _DROP:
                out.append(inline(child))
            out.append(child.tail or "")
        return "".join(out)

    def block(element: _Element) -> None:
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in _DROP:
                continue
            if tag in {"ul", "ol"}:
                for number, item in enumerate(child.iter("li"), start=1):
                    bullet = "-" if tag == "ul" else f"{number}."
                    lines.append(f"{bullet} {_SPACE.sub(' ', inline(item)).strip()}")
                lines.append("")
            elif tag == "table":
                for row in child.iter("tr"):
                    cells = [
                        _SPACE.sub(" ", inline(c)).strip() for c in row if c.tag in {"td", "th"}
                    ]
                    lines.append(": ".join(c for c in cells if c))
                lines.append("")
            elif tag == "div":
                block(child)
            else:
                text = "\n".join(
                    _SPACE.sub(" ", part).strip() for part in inline(child).split("\n")
                )
                if text.strip():
                    lines.append(text.strip())
                    lines.append("")
        if element.text and element.text.strip():
            lines.insert(0, _SPACE.sub(" ", element.text).strip())

    block(root)
    return "\n".join(lines).strip() + "\n"
