"""E-mails: HTML with the CSS inlined (mail clients drop <style>), a plain-text part, and the
letter as a PDF attachment; the Message-ID is derived from the letter id."""

from __future__ import annotations

import uuid
from datetime import datetime
from email.message import EmailMessage
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
) -> EmailMessage:
    mail = EmailMessage()
    name, address = parseaddr(sender)
    mail["From"] = formataddr((name, address))
    mail["To"] = recipient
    if reply_to:
        mail["Reply-To"] = reply_to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(date)
    mail["Message-ID"] = message_id(letter_id, domain)
    mail["X-Letter-ID"] = str(letter_id)
    mail["X-Case-ID"] = str(case_id)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    if pdf:
        mail.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    return mail


def text_part(fragment: str, signature: str, footer: str) -> str:
    return f"{to_text(clean(fragment))}\n{signature}\n\n--\n{footer}\n"
