"""The resident's pages: the upload form, the upload itself, the receipt.

Public: the token in the path is the credential (never logged). The gateway forwards these
routes with the client's address in `X-Backoffice-Client-Address`; that header is believed only
next to a valid internal token (which only the gateway and the services can sign), otherwise
the socket's peer counts. Every answer is a page (or JSON for the page's own script), never
an exception: the rate-limit counts must commit whatever the outcome.
"""

from __future__ import annotations

from typing import Final

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.requests import ClientDisconnect

from documents.deps import runtime_of, settings_of, spool_folder, storing_of
from documents.files import repository as files
from documents.files.receiving import FormError, receive_form
from documents.files.service import RESIDENT, Origin
from documents.links import service as links
from documents.links import tokens
from documents.links.purposes import PURPOSE_LABEL
from documents.links.service import LinkState, Resolved
from documents.portal import limits
from documents.portal.pages import Pages
from documents.safety.errors import ACCEPTED, RefusedFileError, ScannerUnavailableError
from documents.settings import DocumentsSettings
from documents.storage.objects import StorageUnavailableError
from servicekit.auth import TOKEN_HEADER, InvalidTokenError, public, read_token
from servicekit.http import DbSession, correlation_id_of
from servicekit.tenants import get_tenant

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/inwoner", include_in_schema=False)

ADDRESS_HEADER: Final = "X-Backoffice-Client-Address"
"""Set by the gateway (`gateway.documents.portal`), which strips any value a client sent."""
FILE_FIELD: Final = "bestanden"
_STOPPED_TITLE: Final = {
    LinkState.EXPIRED: "Deze link is verlopen",
    LinkState.WITHDRAWN: "Deze link is ingetrokken",
    LinkState.CASE_CLOSED: "Uw aanvraag is afgerond",
}
_STOPPED_TEXT: Final = {
    LinkState.EXPIRED: "U kunt via deze link geen bestanden meer sturen, omdat de termijn "
    "voorbij is.",
    LinkState.WITHDRAWN: "De gemeente heeft het verzoek om bestanden ingetrokken. U hoeft via "
    "deze link niets meer te sturen.",
    LinkState.CASE_CLOSED: "De gemeente heeft uw aanvraag afgehandeld. U kunt via deze link "
    "geen bestanden meer sturen.",
}
_LIMITED = (
    "U heeft in korte tijd te veel bestanden gestuurd of pagina's geopend. Wacht een minuut "
    "en probeer het dan opnieuw."
)
_UNAVAILABLE = (
    "Het opslaan lukt nu even niet. Uw bestanden zijn niet bewaard. Probeer het over een paar "
    "minuten opnieuw."
)


def _pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def client_address(request: Request, settings: DocumentsSettings) -> str:
    forwarded = request.headers.get(ADDRESS_HEADER)
    token = request.headers.get(TOKEN_HEADER)
    if forwarded and token:
        try:
            read_token(token, secret=settings.internal_token_secret)
        except InvalidTokenError:
            pass
        else:
            return forwarded.strip()[:64]
    return request.client.host if request.client else "unknown"


def _limits(settings: DocumentsSettings) -> limits.Limits:
    return limits.Limits(
        uploads_per_address=settings.portal_uploads_per_address_per_minute,
        uploads_per_link=settings.portal_uploads_per_link_per_minute,
        pages_per_address=settings.portal_pages_per_address_per_minute,
    )


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def _municipality_name(request: Request, session: DbSession, code: str) -> str:
    tenant = await get_tenant(session, code)
    return tenant.name if tenant is not None else code


def _message(
    request: Request,
    *,
    title: str,
    text: str,
    status_code: int,
    contact: str | None = None,
    back: str | None = None,
) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": text}, status_code=status_code)
    return _pages(request).render(
        "message.html",
        status_code=status_code,
        title=title,
        text=text,
        contact=contact,
        back=back,
        municipality=contact or "Uw gemeente",
    )


async def _stopped(request: Request, session: DbSession, resolved: Resolved) -> Response:
    name = await _municipality_name(request, session, resolved.case.municipality_code)
    return _message(
        request,
        title=_STOPPED_TITLE[resolved.state],
        text=_STOPPED_TEXT[resolved.state],
        status_code=410,
        contact=name,
    )


def _unknown(request: Request) -> Response:
    return _message(
        request,
        title="Deze link werkt niet",
        text="Deze link is niet (meer) geldig. Controleer of u de hele link uit de brief of "
        "e-mail heeft gebruikt. Lukt het niet? Neem dan contact op met uw gemeente.",
        status_code=404,
    )


def _limited(request: Request) -> Response:
    response = _message(request, title="Te veel in korte tijd", text=_LIMITED, status_code=429)
    response.headers["Retry-After"] = "60"
    return response


_OPEN = "residents have no account: the signed, expiring token in the path is the credential"


@router.get("/upload/{token}", dependencies=[Depends(public(_OPEN))])
async def upload_page(request: Request, token: str, session: DbSession) -> Response:
    settings = settings_of(request)
    now = runtime_of(request).clock.now()
    address = client_address(request, settings)
    if not await limits.allow_page(
        session, address=address, limits=_limits(settings), secret=settings.link_secret, now=now
    ):
        return _limited(request)
    resolved = await links.resolve(session, token=token, secret=settings.link_secret, now=now)
    if resolved is None:
        return _unknown(request)
    if resolved.state is not LinkState.ACTIVE:
        return await _stopped(request, session, resolved)
    return _pages(request).render(
        "upload.html",
        token=token,
        municipality=await _municipality_name(request, session, resolved.case.municipality_code),
        asked=PURPOSE_LABEL.get(resolved.link.purpose, PURPOSE_LABEL["evidence"]),
        message=resolved.link.message,
        expires_at=resolved.link.expires_at,
        max_file_bytes=settings.max_file_bytes,
        max_files=settings.max_files_per_request,
        field=FILE_FIELD,
    )


@router.post("/upload/{token}", dependencies=[Depends(public(_OPEN))])
async def upload_files(request: Request, token: str) -> Response:
    settings = settings_of(request)
    runtime = runtime_of(request)
    now = runtime.clock.now()
    async with runtime.database.transaction() as session:
        allowed = await limits.allow_upload(
            session,
            address=client_address(request, settings),
            link_key=tokens.token_hash(token),
            limits=_limits(settings),
            secret=settings.link_secret,
            now=now,
        )
        resolved = await links.resolve(session, token=token, secret=settings.link_secret, now=now)
        if allowed and resolved is not None and resolved.state is not LinkState.ACTIVE:
            return await _stopped(request, session, resolved)
    if not allowed:
        return _limited(request)
    if resolved is None:
        return _unknown(request)
    try:
        return await _receive_and_store(request, token, resolved)
    except ClientDisconnect:
        raise
    except (FormError, RefusedFileError) as error:
        return _message(
            request,
            title="Niet gelukt",
            text=error.message,
            status_code=error.status_code,
            back=f"/inwoner/upload/{token}",
        )
    except (ScannerUnavailableError, StorageUnavailableError):
        response = _message(
            request,
            title="Niet gelukt",
            text=_UNAVAILABLE,
            status_code=503,
            back=f"/inwoner/upload/{token}",
        )
        response.headers["Retry-After"] = "60"
        return response


async def _receive_and_store(request: Request, token: str, resolved: Resolved) -> Response:
    settings = settings_of(request)
    with spool_folder(settings) as folder:
        form = await receive_form(
            request,
            folder=folder,
            file_fields=frozenset({FILE_FIELD}),
            max_file_bytes=settings.max_file_bytes,
            max_files=settings.max_files_per_request,
        )
        if not form.files:
            raise FormError(f"Kies eerst een bestand. {ACCEPTED}")
        origin = Origin(
            source="resident",
            added_by=RESIDENT,
            organisation=resolved.case.municipality_code,
            kind="other",
            purpose=resolved.link.purpose,
            upload_link_id=resolved.link.id,
        )
        try:
            stored = await storing_of(request).store(
                case_id=resolved.case.id,
                municipality_code=resolved.case.municipality_code,
                files=form.files,
                origin=origin,
                correlation_id=correlation_id_of(request),
            )
        except RefusedFileError as error:
            if len(form.files) > 1:
                error.message = (
                    f"Geen van uw bestanden is opgeslagen. Het bestand "
                    f"'{error.file_name or 'zonder naam'}' kunnen wij niet aannemen: "
                    f"{error.message}"
                )
            raise
    log.info(
        "documents.portal.received", link_id=str(resolved.link.id), files=len(stored.documents)
    )
    if _wants_json(request):
        return JSONResponse(
            {"documents": [{"file_name": d.file_name, "id": str(d.id)} for d in stored.documents]},
            status_code=201,
        )
    return RedirectResponse(f"/inwoner/upload/{token}/ontvangen", status_code=303)


@router.get("/upload/{token}/ontvangen", dependencies=[Depends(public(_OPEN))])
async def receipt_page(request: Request, token: str, session: DbSession) -> Response:
    settings = settings_of(request)
    now = runtime_of(request).clock.now()
    if not await limits.allow_page(
        session,
        address=client_address(request, settings),
        limits=_limits(settings),
        secret=settings.link_secret,
        now=now,
    ):
        return _limited(request)
    resolved = await links.resolve(session, token=token, secret=settings.link_secret, now=now)
    if resolved is None:
        return _unknown(request)
    if resolved.state is not LinkState.ACTIVE:
        return await _stopped(request, session, resolved)
    received = await files.of_link(session, resolved.link.id)
    return _pages(request).render(
        "receipt.html",
        token=token,
        municipality=await _municipality_name(request, session, resolved.case.municipality_code),
        documents=received,
        reference=str(resolved.link.id).split("-")[0].upper(),
        now=now,
    )
