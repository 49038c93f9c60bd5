"""Inloggen (password, then TOTP), MFA-inrichting, wachtwoord wijzigen, uitloggen."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from gateway.audit.service import record, user_ref
from gateway.client_address import client_address_of
from gateway.staff import repository, sessions, signin, totp
from gateway.ui.web import (
    LOGIN_CSRF_COOKIE,
    PendingLogin,
    SignedIn,
    clear_session_cookie,
    new_login_csrf,
    now,
    render,
    runtime,
    secret_box,
    session_token,
    set_session_cookie,
    ui_settings,
)
from servicekit.auth import public

# The session itself is the check here, whatever the role; every other screen declares its
# permission.
router = APIRouter(
    prefix="/ui",
    include_in_schema=False,
    dependencies=[Depends(public("sign-in and the signed-in user's own account"))],
)
_LOGIN_FAILED = (
    "Inloggen is niet gelukt. Controleer uw gebruikersnaam en wachtwoord. Na herhaalde "
    "mislukte pogingen wordt inloggen enige tijd geblokkeerd."
)
_CODE_FAILED = "De code is niet juist of al gebruikt. Probeer de volgende code uit uw app."


def _context(request: Request) -> signin.Context:
    return signin.Context(
        settings=ui_settings(request),
        box=secret_box(request),
        origin_ip=client_address_of(request),
        now=now(),
    )


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _login_page(
    request: Request, *, status_code: int = 200, errors: dict[str, str] | None = None, **extra: str
) -> Response:
    token = new_login_csrf()
    response = render(
        request,
        "login.html",
        status_code=status_code,
        csrf_token=token,
        errors=errors or {},
        username=extra.get("username", ""),
        notice=extra.get("notice", ""),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/ui",
        secure=ui_settings(request).secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return response


_NOTICES = {
    "uitgelogd": "U bent uitgelogd.",
    "verlopen": "Uw sessie is verlopen. Log opnieuw in.",
    "wachtwoord": "Uw wachtwoord is gewijzigd. Log opnieuw in.",
}


@router.get("/inloggen")
async def login_form(request: Request, melding: str = "") -> Response:
    return _login_page(request, notice=_NOTICES.get(melding, ""))


@router.post("/inloggen")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(
            request,
            status_code=403,
            errors={"form": "Het formulier was verlopen. Probeer het opnieuw."},
            username=username,
        )
    errors = {}
    if not username.strip():
        errors["username"] = "Vul uw gebruikersnaam in."
    if not password:
        errors["password"] = "Vul uw wachtwoord in."  # noqa: S105 - a message
    if errors:
        return _login_page(request, status_code=400, errors=errors, username=username)
    ctx = _context(request)
    async with runtime(request).database.transaction() as session:
        user = await signin.check_password(session, ctx, username=username, password=password)
        token = None
        if user is not None:
            token = await sessions.start(
                session,
                user=user,
                mfa_passed=False,
                origin_ip=ctx.origin_ip,
                settings=ctx.settings,
                now=ctx.now,
            )
    if user is None or token is None:
        return _login_page(
            request, status_code=401, errors={"form": _LOGIN_FAILED}, username=username
        )
    response = _redirect("/ui/mfa" if user.totp_enrolled else "/ui/mfa-inrichten")
    set_session_cookie(response, request, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/ui")
    return response


async def _complete_login(request: Request, current: sessions.Current) -> str:
    """Replace the half-way session with a full one under a new token (no session fixation)."""
    ctx = _context(request)
    async with runtime(request).database.transaction() as session:
        await sessions.end(session, session_token(request))
        await repository.update_user(session, current.user.id, last_login_at=ctx.now)
        return await sessions.start(
            session,
            user=current.user,
            mfa_passed=True,
            origin_ip=ctx.origin_ip,
            settings=ctx.settings,
            now=ctx.now,
        )


@router.get("/mfa")
async def mfa_form(request: Request, current: PendingLogin) -> Response:
    if not current.user.totp_enrolled:
        return _redirect("/ui/mfa-inrichten")
    return render(
        request, "mfa.html", csrf_token=current.session.csrf_token, errors={}, active="login"
    )


@router.post("/mfa")
async def mfa(
    request: Request, current: PendingLogin, code: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    if not current.user.totp_enrolled:
        return _redirect("/ui/mfa-inrichten")
    ok = False
    if code.strip():
        async with runtime(request).database.transaction() as session:
            ok = await signin.check_second_factor(
                session, _context(request), user=current.user, code=code
            )
    if not ok:
        return render(
            request,
            "mfa.html",
            status_code=401 if code.strip() else 400,
            csrf_token=current.session.csrf_token,
            errors={"code": _CODE_FAILED if code.strip() else "Vul de code in."},
        )
    response = _redirect("/ui/")
    set_session_cookie(response, request, await _complete_login(request, current))
    return response


async def _enrolment_page(
    request: Request, current: sessions.Current, *, status_code: int = 200, error: str = ""
) -> Response:
    ctx = _context(request)
    async with runtime(request).database.transaction() as session:
        secret = await signin.pending_totp_secret(session, ctx, user=current.user)
    uri = totp.provisioning_uri(
        secret, username=current.user.username, issuer=ctx.settings.totp_issuer
    )
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(
        request,
        "mfa_enrol.html",
        status_code=status_code,
        csrf_token=current.session.csrf_token,
        qr_svg=totp.qr_svg(uri),
        secret=grouped,
        errors={"code": error} if error else {},
    )


@router.get("/mfa-inrichten")
async def enrol_form(request: Request, current: PendingLogin) -> Response:
    if current.user.totp_enrolled:
        return _redirect("/ui/mfa")
    return await _enrolment_page(request, current)


@router.post("/mfa-inrichten")
async def enrol(
    request: Request, current: PendingLogin, code: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    if current.user.totp_enrolled:
        return _redirect("/ui/mfa")
    codes = None
    if code.strip():
        async with runtime(request).database.transaction() as session:
            codes = await signin.confirm_enrolment(
                session, _context(request), user=current.user, code=code
            )
    if codes is None:
        return await _enrolment_page(
            request,
            current,
            status_code=401 if code.strip() else 400,
            error=_CODE_FAILED if code.strip() else "Vul de code uit uw authenticator-app in.",
        )
    response = render(request, "recovery_codes.html", codes=codes)
    set_session_cookie(response, request, await _complete_login(request, current))
    return response


@router.post("/uitloggen")
async def logout(request: Request, staff: SignedIn) -> Response:
    async with runtime(request).database.transaction() as session:
        await sessions.end(session, session_token(request))
        ref = user_ref(staff.current.user.username)
        await record(
            session,
            action="logout",
            object_=ref,
            result="success",
            actor=ref,
            origin_ip=client_address_of(request),
            organisation=staff.current.user.organisation,
        )
    response = _redirect("/ui/inloggen?melding=uitgelogd")
    clear_session_cookie(response, request)
    return response


@router.get("/wachtwoord")
async def password_form(request: Request, staff: SignedIn) -> Response:
    return render(request, "password.html", staff=staff, errors={}, active="wachtwoord")


@router.post("/wachtwoord")
async def change_password(
    request: Request,
    staff: SignedIn,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    repeat: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    ctx = _context(request)
    problems: dict[str, list[str]] = {}
    if new != repeat:
        problems["repeat"] = ["De twee nieuwe wachtwoorden zijn niet gelijk."]
    else:
        async with runtime(request).database.transaction() as session:
            problems = await signin.change_password(
                session, ctx, user=staff.current.user, current=current, new=new
            )
            if not problems:
                await repository.delete_sessions_of(session, staff.current.user.id)
    if problems:
        return render(
            request,
            "password.html",
            staff=staff,
            status_code=400,
            errors={field: " ".join(texts) for field, texts in problems.items()},
            active="wachtwoord",
        )
    response = _redirect("/ui/inloggen?melding=wachtwoord")
    clear_session_cookie(response, request)
    return response
