"""Calls from the UI to the services, through the gateway's proxy with an internal token.

A failed call becomes a Dutch message for the panel that needed it; the page still renders.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Request

from gateway.api import Downstreams
from gateway.ui.web import Staff
from servicekit.http import correlation_id_of

Service = Literal["cases", "intake"]
_SERVICE_NAMES = {"cases": "casussen", "intake": "intake"}


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


def _downstreams(request: Request) -> Downstreams:
    downstreams: Downstreams = request.app.state.downstreams
    return downstreams


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
    downstream = getattr(_downstreams(request), service)
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
