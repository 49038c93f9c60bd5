"""E-mails: HTML with the CSS inlined (mail clients drop <style>), a plain-text part, and the
letter as a PDF attachment; the Message-ID is derived from the letter id."""

from __future__ import annotations

import binascii
import re
import uuid
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr

import css_inline
import nh3
from markupsafe import Markup, escape

from correspondence.rendering.markup import to_text

_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h1", "h2", "h3",
         "a", "table", "tr", "td", "th", "tbody", "thead", "span", "div"}  # fmt: skip
_INLINER = css_inline.CSSInliner(keep_style_tags=False)

LAYOUT = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ margin: 0; padding: 0; background: #f4f5f7; }}
.frame {{ max-width: 640px; margin: 0 auto; background: #ffffff; font-family: 'Open Sans', Arial,
 sans-serif; font-size: 15px; line-height: 1.5; color: #1b1b1b; }}
.bar {{ background: {color}; color: #ffffff; padding: 16px 24px; font-size: 17px; font-weight: bold; }}
.content {{ padding: 8px 24px 16px 24px; }}
h1, h2, h3 {{ color: {color}; font-size: 16px; margin: 20px 0 6px 0; }}
a {{ color: {color}; }}
.footer {{ padding: 16px 24px; font-size: 12px; color: #555555; border-top: 1px solid #dddddd; }}
</style></head><body><div class="frame"><div class="bar">{sender}</div>
<div class="content">{body}<p>{signature}</p></div><div class="footer">{footer}</div></div></body></html>"""


def message_id(letter_id: uuid.UUID, domain: str) -> str:
    """The same letter always has the same Message-ID: a repeat is recognisable as one."""
    return f"<letter-{letter_id}@{domain}>"


def clean(fragment: str) -> str:
    """The rendered template's HTML with only harmless tags and attributes left."""
    return nh3.clean(fragment, tags=_TAGS, attributes={"a": {"href"}}, link_rel="noopener")


def html_document(
    *, fragment: str, title: str, sender: str, color: str, footer: str, signature: str
) -> str:
    page = LAYOUT.format(
        title=escape(title),
        color=escape(color),
        sender=escape(sender),
        body=Markup(clean(fragment)),  # noqa: S704 - sanitised by nh3 just now
        footer=escape(footer),
        signature=escape(signature).replace("\n", Markup("<br>")),
    )
    return str(_INLINER.inline(page))


def _header(name: str, value: str) -> str:
    """One header line, RFC 2047-encoded when not ASCII and folded; line breaks a value
    might carry are flattened first (no header injection)."""
    flat = " ".join(value.splitlines())
    charset = "us-ascii" if flat.isascii() else "utf-8"
    encoded = Header(flat, charset, header_name=name).encode(linesep="\r\n")
    return f"{name}: {encoded}\r\n"


def _text(content: str, subtype: str) -> bytes:
    lines = content.replace("\r\n", "\n").replace("\r", "\n")
    body = binascii.b2a_qp(lines.encode(), istext=True)
    return (
        (
            f"Content-Type: text/{subtype}; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode()
        + body.replace(b"\n", b"\r\n")
        + b"\r\n"
    )


def _base64_lines(data: bytes) -> bytes:
    encoded = binascii.b2a_base64(data, newline=False)
    return b"".join(encoded[i : i + 76] + b"\r\n" for i in range(0, len(encoded), 76))


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    boundary = f"=_part_{uuid.uuid4().hex}"  # "=_" never occurs in QP or base64 text
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
    separator = f"--{boundary}\r\n".encode()
    return head + b"".join(separator + part for part in parts) + f"--{boundary}--\r\n".encode()


def build(
    *,
    letter_id: uuid.UUID,
    case_id: uuid.UUID,
    sender: str,
    reply_to: str | None,
    recipient: str,
    subject: str,
    html: str,
    text: str,
    pdf: bytes | None,
    pdf_name: str,
    domain: str,
    date: datetime,
) -> bytes:
    """The message as it goes over SMTP (CRLF lines): multipart/alternative (text, HTML), in a
    multipart/mixed with the PDF when there is one.

    Written out directly instead of through `email.message.EmailMessage`: its header registry
    and generator cost about 7 ms a message, more than rendering the letter; every value
    that comes from a template or a field goes through `_header` (encoded, folded, one line).
    """
    name, address = parseaddr(sender)
    headers = [
        _header("From", formataddr((name, address))),
        _header("To", recipient),
        _header("Reply-To", reply_to) if reply_to else "",
        _header("Subject", subject),
        f"Date: {format_datetime(date)}\r\n",
        f"Message-ID: {message_id(letter_id, domain)}\r\n",
        f"X-Letter-ID: {letter_id}\r\n",
        f"X-Case-ID: {case_id}\r\n",
        "Auto-Submitted: auto-generated\r\n",
        "MIME-Version: 1.0\r\n",
    ]
    body = _multipart("alternative", [_text(text, "plain"), _text(html, "html")])
    if pdf:
        file_name = re.sub(r"[^A-Za-z0-9._-]", "_", pdf_name)
        attachment = (
            f'Content-Type: application/pdf; name="{file_name}"\r\n'
            f'Content-Disposition: attachment; filename="{file_name}"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode() + _base64_lines(pdf)
        body = _multipart("mixed", [body, attachment])
    return "".join(headers).encode() + body


def text_part(fragment: str, signature: str, footer: str) -> str:
    return f"{to_text(clean(fragment))}\n{signature}\n\n--\n{footer}\n"
