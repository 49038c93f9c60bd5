"""The staff web UI's shared plumbing: templates, assets at /static, security headers, the
session checks (`web`), calls to the services (`backend`), Dutch labels and error pages.

The screens themselves live with their feature (`gateway.cases.screens`, ...);
`gateway.main` registers them after `install(app, settings)`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.settings import GatewaySettings
from gateway.ui.settings import UiSettings
from gateway.ui.web import (
    STATIC,
    CsrfError,
    ForbiddenError,
    LoginRequiredError,
    PageNotFoundError,
    PasswordChangeRequiredError,
    SecurityHeaders,
    clear_session_cookie,
    make_templates,
    render,
)
from servicekit.auth import public

__all__ = ["install"]


def _is_ui(request: Request) -> bool:
    return request.url.path.startswith("/ui")


def _go_to(request: Request, target: str) -> Response:
    """A redirect that htmx follows as a full page load too."""
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _login_required(request: Request, _: Exception) -> Response:
    # A page asked for (not a form sent) is opened again after signing in.
    asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    back = f"&{urlencode({'volgende': asked})}" if request.method == "GET" else ""
    back = "" if asked == "/ui/" else back  # the overview is where signing in leads anyway
    response = _go_to(request, f"/ui/inloggen?melding=verlopen{back}")
    clear_session_cookie(response, request)
    return response


async def _password_change_required(request: Request, _: Exception) -> Response:
    return _go_to(request, "/ui/wachtwoord")


async def _csrf_failed(request: Request, _: Exception) -> Response:
    return render(
        request,
        "message.html",
        status_code=403,
        title="Formulier verlopen",
        message="Het formulier is verlopen of niet geldig. Ga terug, vernieuw de pagina en "
        "probeer het opnieuw.",
    )


async def _forbidden(request: Request, _: Exception) -> Response:
    return render(
        request,
        "message.html",
        status_code=403,
        title="Geen toegang",
        message="Uw rol geeft geen toegang tot deze pagina.",
    )


async def _not_found(request: Request, _: Exception) -> Response:
    return render(
        request,
        "message.html",
        status_code=404,
        title="Niet gevonden",
        message="Deze pagina of case bestaat niet, of valt buiten uw organisatie.",
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if _is_ui(request) and error.status_code == 404:
        return await _not_found(request, error)
    return await http_exception_handler(request, error)


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if _is_ui(request):
        return await _not_found(request, error)
    return await request_validation_exception_handler(request, error)


async def _root() -> Response:
    return RedirectResponse("/ui/", status_code=303)


def install(app: FastAPI, settings: GatewaySettings) -> None:
    """Add the UI's assets, security headers, root redirect and error pages to the gateway app."""
    app.state.ui_settings = UiSettings(environment=settings.environment)
    app.state.ui_templates = make_templates()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route(
        "/",
        _root,
        include_in_schema=False,
        dependencies=[Depends(public("a redirect to the staff UI"))],
    )
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(PasswordChangeRequiredError, _password_change_required)
    app.add_exception_handler(CsrfError, _csrf_failed)
    app.add_exception_handler(ForbiddenError, _forbidden)
    app.add_exception_handler(PageNotFoundError, _not_found)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
