"""Calls from the UI to the services, through the gateway's proxy with an internal token.

A failed call becomes a Dutch message for the panel that needed it; the page still renders.
Downloads are streamed through (`stream`), never held whole.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from fastapi import Request, Response
from fastapi.responses import StreamingResponse

from gateway.proxy import downstreams_of
from gateway.settings import settings_of
from gateway.ui.web import Staff
from servicekit.http import correlation_id_of

Service = Literal["cases", "intake", "documents", "assessment", "correspondence"]
_SERVICE_NAMES = {
    "cases": "casussen",
    "intake": "intake",
    "documents": "documenten",
    "assessment": "rechtmatigheids",
    "correspondence": "correspondentie",
}
_MAX_ERROR_BYTES = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    data: Any
    content: bytes
    content_type: str
    service: Service
    content_disposition: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def download(self, *, media_type: str, filename: str) -> Response:
        """The service's file as a download, with the service's own type and file name when it
        gave them."""
        return Response(
            self.content,
            media_type=self.content_type or media_type,
            headers={
                "Content-Disposition": self.content_disposition
                or f'attachment; filename="{filename}"'
            },
        )

    @property
    def refusal_status(self) -> int:
        """The status to answer a refused form with: the service's own, or 502 when it answered
        with something that is not an error."""
        return self.status if self.status >= 400 else 502

    @property
    def detail(self) -> str:
        if isinstance(self.data, dict):
            detail = self.data.get("detail")
            if isinstance(detail, str):
                return detail
            if isinstance(detail, list):
                return "; ".join(str(item.get("msg", item)) for item in detail if item)
        return ""

    @property
    def service_message(self) -> str:
        """The service's own sentence for the user (handling refusals are Dutch), if any."""
        detail = self.data.get("detail") if isinstance(self.data, dict) else None
        if not isinstance(detail, str) or detail in ("Not Found", "case not found"):
            return ""
        return detail[:1].upper() + detail[1:]

    @property
    def field_problems(self) -> list[tuple[str, str]]:
        """A refusal's problems per field: the service's `errors: [{field, message}]` (the
        assessment's parameters), or FastAPI's validation list (`loc` → dotted field)."""
        if not isinstance(self.data, dict):
            return []
        found: list[tuple[str, str]] = []
        errors = self.data.get("errors")
        if isinstance(errors, list):
            for item in errors:
                if isinstance(item, dict) and isinstance(item.get("field"), str):
                    found.append((item["field"], str(item.get("message", ""))))
        detail = self.data.get("detail")
        if isinstance(detail, list):
            for item in detail:
                if isinstance(item, dict) and isinstance(item.get("loc"), list):
                    loc = [str(part) for part in item["loc"] if part != "body"]
                    found.append((".".join(loc), str(item.get("msg", ""))))
        return found

    @property
    def unavailable_feature(self) -> bool:
        """The service has no such route (yet): FastAPI's own 404/405."""
        return (self.status == 404 and self.detail == "Not Found") or self.status == 405

    def message(self) -> str:
        """What went wrong, in words a staff member understands."""
        name = _SERVICE_NAMES[self.service]
        if self.unavailable_feature:
            return "Deze functie is nog niet beschikbaar."
        if self.status == 503:
            return f"De {name}-dienst is op dit moment niet bereikbaar. Probeer het later opnieuw."
        if self.status == 504:
            return f"De {name}-dienst reageerde niet op tijd. Probeer het later opnieuw."
        if self.status == 404:
            return "Niet gevonden, of niet binnen uw organisatie."
        if self.status in (403, 409, 413, 415, 422) and self.service_message:
            return self.service_message
        if self.status == 403:
            return "Uw rol staat deze handeling niet toe."
        if self.status == 409:
            return "Dit kan nu niet (de toestand is intussen veranderd). Vernieuw de pagina."
        if self.ok:
            return f"Onverwacht antwoord van de {name}-dienst. Probeer het later opnieuw."
        if self.status in (400, 422):
            return "De invoer is niet geldig." + (f" ({self.detail})" if self.detail else "")
        return f"Er ging iets mis bij de {name}-dienst (code {self.status}). Probeer het later opnieuw."


async def call(
    request: Request,
    staff: Staff,
    service: Service,
    method: str,
    path: str,
    *,
    params: Sequence[tuple[str, str]] = (),
    body: dict[str, Any] | None = None,
    content: AsyncIterable[bytes] | None = None,
    content_type: str = "",
    timeout_seconds: float | None = None,
) -> Answer:
    """Call a service as the staff member; never raises for the service's own failures.

    `body` is sent as JSON; `content` (e.g. a multipart upload) is streamed with its own
    `content_type`.
    """
    downstream = getattr(downstreams_of(request), service)
    headers = {"Content-Type": "application/json"} if body is not None else None
    if content is not None:
        headers = {"Content-Type": content_type}
    response = await downstream.forward(
        method=method,
        path=path,
        principal=staff.principal,
        correlation_id=correlation_id_of(request),
        params=list(params),
        content=json.dumps(body).encode() if body is not None else content,
        headers=headers,
        timeout_seconds=timeout_seconds,
    )
    received = bytes(response.body)
    received_type = response.headers.get("content-type", "")
    data: Any = None
    if received and received_type.startswith("application/json"):
        try:
            data = json.loads(received)
        except ValueError:
            data = None
    return Answer(
        status=response.status_code,
        data=data,
        content=received,
        content_type=received_type,
        service=service,
        content_disposition=response.headers.get("content-disposition", ""),
    )


async def stream(
    request: Request,
    staff: Staff,
    service: Service,
    path: str,
    *,
    params: Sequence[tuple[str, str]] = (),
) -> tuple[Response, Answer | None]:
    """GET a file from a service and pass it on chunk by chunk (`Downstream.relay`).

    A success is the streamed response and None; a failure is the service's (small) answer
    read whole, so that the page can say what went wrong.
    """
    settings = settings_of(request)
    downstream = getattr(downstreams_of(request), service)
    response = await downstream.relay(
        principal=staff.principal,
        correlation_id=correlation_id_of(request),
        method="GET",
        path=path,
        params=params,
        read_timeout=httpx.Timeout(
            settings.documents_upload_timeout_seconds,
            connect=settings.downstream_connect_timeout_seconds,
        ),
    )
    if 200 <= response.status_code < 300:
        return response, None
    received = b""
    if isinstance(response, StreamingResponse):
        chunks = response.body_iterator
        try:
            async for chunk in chunks:
                received += chunk if isinstance(chunk, bytes) else str(chunk).encode()
                if len(received) > _MAX_ERROR_BYTES:
                    break
        finally:
            if isinstance(chunks, AsyncIterator) and hasattr(chunks, "aclose"):
                await chunks.aclose()
            if response.background is not None:
                await response.background()
    else:
        received = bytes(response.body)
    received_type = response.headers.get("content-type", "")
    data: Any = None
    if received_type.startswith("application/json"):
        try:
            data = json.loads(received)
        except ValueError:
            data = None
    return response, Answer(
        status=response.status_code,
        data=data,
        content=received,
        content_type=received_type,
        service=service,
    )
