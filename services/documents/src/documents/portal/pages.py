"""The portal's pages: one Jinja2 environment (autoescape, StrictUndefined), strict headers.

No inline script or style anywhere: the Content-Security-Policy allows only this service's own
files. `Referrer-Policy: no-referrer` keeps the token in the address out of other sites' logs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from contracts.vocabulary import long_date

TEMPLATES: Final = Path(__file__).resolve().parent / "templates"
STATIC: Final = Path(__file__).resolve().parent / "static"
LOCAL_TIME: Final = ZoneInfo("Europe/Amsterdam")
HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def dutch_date(moment: datetime) -> str:
    """`15 december 2026 om 23:59`, Dutch time."""
    local = moment.astimezone(LOCAL_TIME)
    return f"{long_date(local.date())} om {local:%H:%M}"


def megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def make_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["dutch_date"] = dutch_date
    environment.filters["megabytes"] = megabytes
    return environment


class Pages:
    def __init__(self) -> None:
        self._environment = make_environment()

    def render(self, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self._environment.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status_code, headers=HEADERS)
