"""The API documentation pages, `/docs` (Swagger UI) and `/redoc`, with their scripts served from
this app (vendored in `static/docs/`, see `static/VENDORED.md`) instead of a CDN, under a
Content-Security-Policy of their own. Off in production unless `GATEWAY_API_DOCS` is on.

They share the staff UI's origin, so a script on them could act with a staff member's session:
scripts only from this origin, nothing inline. ReDoc's styles may be inline (styled-components
writes them at run time) and its search runs in a blob: worker; Swagger UI needs neither.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request, Response
from fastapi.templating import Jinja2Templates

from servicekit.auth import public

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'{styles}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self';{workers} object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SWAGGER_UI_CSP = _CSP.format(styles="", workers="")
REDOC_CSP = _CSP.format(styles=" 'unsafe-inline'", workers=" worker-src blob:;")
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


def _page(request: Request, template: str, *, csp: str) -> Response:
    templates: Jinja2Templates = request.app.state.ui_templates
    return templates.TemplateResponse(
        request,
        template,
        {"title": request.app.title, "openapi_url": request.app.openapi_url},
        headers={**_HEADERS, "Content-Security-Policy": csp},
    )


async def _swagger_ui(request: Request) -> Response:
    return _page(request, "api_docs.html", csp=SWAGGER_UI_CSP)


async def _redoc(request: Request) -> Response:
    return _page(request, "api_redoc.html", csp=REDOC_CSP)


_OPEN = [Depends(public("documentation of the public API; no data, off in production"))]


def install(app: FastAPI) -> None:
    """Add `/docs` and `/redoc` (after the UI, whose template environment they use)."""
    app.add_api_route("/docs", _swagger_ui, include_in_schema=False, dependencies=_OPEN)
    app.add_api_route("/redoc", _redoc, include_in_schema=False, dependencies=_OPEN)
