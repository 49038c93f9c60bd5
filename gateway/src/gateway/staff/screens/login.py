"""Inloggen (password, then TOTP), MFA-inrichting, wachtwoord wijzigen, uitloggen."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from gateway.audit.service import record, user_ref
from gateway.client_address import client_address_of
from gateway.staff import repository, sessions, signin, totp
from gateway.ui.web import (
    LOGIN_CSRF_COOKIE,
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
from gateway.ui.web import _pending as web_pending
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
        now=now(request),
    )


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


NEXT = "volgende"
"""The query parameter and form field with the page asked for before signing in."""
_SIGN_IN_PAGES = ("/ui/inloggen", "/ui/uitloggen", "/ui/mfa", "/ui/mfa-inrichten")


def local_page(value: str | None) -> str:
    """The page to return to when it is a page of this UI (`/ui/...`), else "": never another
    site (`//evil.example`, `https:...`, `/\\evil`), never a sign-in step (a loop)."""
    if not value or len(value) > 2000 or any(ord(c) < 32 or c == "\\" for c in value):
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/ui/"):
        return ""
    if parts.path.rstrip("/") in _SIGN_IN_PAGES or "//" in parts.path:
        return ""
    return value


def _with_next(path: str, page: str) -> str:
    return f"{path}?{urlencode({NEXT: page})}" if page else path


async def _signed_in(request: Request) -> sessions.Current | None:
    """The fully signed-in session, if the browser has one (a reload of a sign-in step after
    it finished, or the back button, goes on instead of signing out)."""
    async with runtime(request).database.transaction() as session:
        current = await sessions.resolve(
            session, session_token(request), settings=ui_settings(request), now=now(request)
        )
    return current if current is not None and current.session.mfa_passed else None


def _after_sign_in(current: sessions.Current, page: str) -> str:
    """The first login changes the password first (the asked page after that)."""
    if current.user.must_change_password:
        return _with_next("/ui/wachtwoord", page)
    return page or "/ui/"


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
        next_page=local_page(extra.get("next_page")),
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
async def login_form(request: Request, melding: str = "", volgende: str = "") -> Response:
    return _login_page(request, notice=_NOTICES.get(melding, ""), next_page=volgende)


@router.post("/inloggen")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    volgende: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(
            request,
            status_code=403,
            errors={"form": "Het formulier was verlopen. Probeer het opnieuw."},
            username=username,
            next_page=volgende,
        )
    errors = {}
    if not username.strip():
        errors["username"] = "Vul uw gebruikersnaam in."
    if not password:
        errors["password"] = "Vul uw wachtwoord in."  # noqa: S105 - a message
    if errors:
        return _login_page(
            request, status_code=400, errors=errors, username=username, next_page=volgende
        )
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
            request,
            status_code=401,
            errors={"form": _LOGIN_FAILED},
            username=username,
            next_page=volgende,
        )
    step = "/ui/mfa" if user.totp_enrolled else "/ui/mfa-inrichten"
    response = _redirect(_with_next(step, local_page(volgende)))
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


async def _finished(request: Request, page: str) -> Response | None:
    """Where a sign-in step sends a browser that already finished signing in, else None."""
    done = await _signed_in(request)
    return _redirect(_after_sign_in(done, page)) if done is not None else None


@router.get("/mfa")
async def mfa_form(request: Request, volgende: str = "") -> Response:
    page = local_page(volgende)
    if (finished := await _finished(request, page)) is not None:
        return finished
    current = await _pending_login(request)
    if not current.user.totp_enrolled:
        return _redirect(_with_next("/ui/mfa-inrichten", page))
    return render(
        request,
        "mfa.html",
        csrf_token=current.session.csrf_token,
        errors={},
        active="login",
        next_page=page,
    )


async def _pending_login(request: Request) -> sessions.Current:
    """The session between password and second factor, as `PendingLogin` checks it."""
    return await web_pending(request)


@router.post("/mfa")
async def mfa(
    request: Request,
    code: Annotated[str, Form(max_length=64)] = "",
    volgende: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    page = local_page(volgende)
    if (finished := await _finished(request, page)) is not None:
        return finished
    current = await _pending_login(request)
    if not current.user.totp_enrolled:
        return _redirect(_with_next("/ui/mfa-inrichten", page))
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
            next_page=page,
        )
    response = _redirect(_after_sign_in(current, page))
    set_session_cookie(response, request, await _complete_login(request, current))
    return response


async def _enrolment_page(
    request: Request,
    current: sessions.Current,
    *,
    page: str,
    status_code: int = 200,
    error: str = "",
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
        next_page=page,
    )


@router.get("/mfa-inrichten")
async def enrol_form(request: Request, volgende: str = "") -> Response:
    page = local_page(volgende)
    if (finished := await _finished(request, page)) is not None:
        return finished
    current = await _pending_login(request)
    if current.user.totp_enrolled:
        return _redirect(_with_next("/ui/mfa", page))
    return await _enrolment_page(request, current, page=page)


@router.post("/mfa-inrichten")
async def enrol(
    request: Request,
    code: Annotated[str, Form(max_length=64)] = "",
    volgende: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    page = local_page(volgende)
    if (finished := await _finished(request, page)) is not None:
        return finished
    current = await _pending_login(request)
    if current.user.totp_enrolled:
        return _redirect(_with_next("/ui/mfa", page))
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
            page=page,
            status_code=401 if code.strip() else 400,
            error=_CODE_FAILED if code.strip() else "Vul de code uit uw authenticator-app in.",
        )
    response = render(
        request, "recovery_codes.html", codes=codes, next_link=_after_sign_in(current, page)
    )
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
async def password_form(request: Request, staff: SignedIn, volgende: str = "") -> Response:
    return render(
        request,
        "password.html",
        staff=staff,
        errors={},
        active="wachtwoord",
        next_page=local_page(volgende),
    )


@router.post("/wachtwoord")
async def change_password(
    request: Request,
    staff: SignedIn,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    repeat: Annotated[str, Form(max_length=1024)] = "",
    volgende: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    ctx = _context(request)
    page = local_page(volgende)
    first_login = staff.current.user.must_change_password
    token = None
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
                if first_login:
                    # The first login just passed password and code: it goes on signed in
                    # (a new session, the others ended) rather than signing in again.
                    token = await sessions.start(
                        session,
                        user=staff.current.user,
                        mfa_passed=True,
                        origin_ip=ctx.origin_ip,
                        settings=ctx.settings,
                        now=ctx.now,
                    )
    if problems:
        return render(
            request,
            "password.html",
            staff=staff,
            status_code=400,
            errors={field: " ".join(texts) for field, texts in problems.items()},
            active="wachtwoord",
            next_page=page,
        )
    if token is not None:
        response = _redirect(page or "/ui/")
        set_session_cookie(response, request, token)
        return response
    response = _redirect("/ui/inloggen?melding=wachtwoord")
    clear_session_cookie(response, request)
    return response
