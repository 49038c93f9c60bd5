"""W3C trace context (`traceparent`) carried across HTTP and the bus, bound to every log line.

A trace starts at the first request or message that comes without one. Its id goes out in the
`traceparent` header of calls to peers and of published events (the outbox stores it with the
event, so the relay sends it later), and every log line written inside carries `trace_id`.
Spans are exported only when `servicekit.telemetry` is configured (an OTLP endpoint is set).
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from servicekit import telemetry

TRACEPARENT_HEADER = "traceparent"
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


@dataclass(frozen=True)
class TraceContext:
    """One span's place in a trace, as the `traceparent` header writes it."""

    trace_id: str
    span_id: str
    flags: str = "01"

    @classmethod
    def parse(cls, header: str | bytes | None) -> TraceContext | None:
        """The context of a `traceparent` header; None when absent or malformed (the W3C rule:
        an invalid header is ignored and a new trace starts)."""
        if isinstance(header, bytes):
            header = header.decode("ascii", errors="replace")
        if not header:
            return None
        match = _TRACEPARENT.match(header.strip().lower())
        if match is None:
            return None
        version, trace_id, span_id, flags, rest = match.groups()
        if version == "ff" or (version == "00" and rest) or trace_id == _ZERO_TRACE:
            return None
        if span_id == _ZERO_SPAN:
            return None
        return cls(trace_id, span_id, flags)

    @classmethod
    def new(cls) -> TraceContext:
        return cls(secrets.token_hex(16), secrets.token_hex(8))

    def child(self) -> TraceContext:
        """A new span in the same trace."""
        return TraceContext(self.trace_id, secrets.token_hex(8), self.flags)

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


_current: ContextVar[TraceContext | None] = ContextVar("servicekit_trace", default=None)
_by_event: ContextVar[Mapping[uuid.UUID, str] | None] = ContextVar(
    "servicekit_trace_by_event", default=None
)


def current_trace() -> TraceContext | None:
    return _current.get()


def current_traceparent() -> str | None:
    context = _current.get()
    return context.traceparent if context is not None else None


def traceparent_for(causation_id: uuid.UUID | None) -> str | None:
    """The trace a new event belongs to: that of the event that caused it when a consumer
    handles several at once (set-based handlers), else the current one."""
    if causation_id is not None:
        by_event = _by_event.get()
        if by_event is not None and causation_id in by_event:
            return by_event[causation_id]
    return current_traceparent()


@contextmanager
def span(
    name: str,
    *,
    traceparent: str | bytes | None = None,
    kind: telemetry.Kind = "internal",
    attributes: Mapping[str, str | int] | None = None,
) -> Iterator[telemetry.SpanHandle]:
    """A span continuing `traceparent` (or the current trace, or a new one): current inside
    the block, its trace id bound to the log lines, exported when telemetry is configured."""
    parent = TraceContext.parse(traceparent) if traceparent is not None else _current.get()
    with telemetry.start_span(name, parent=parent, kind=kind, attributes=attributes) as handle:
        if handle.ids is not None:
            context = TraceContext(*handle.ids)
        else:
            context = parent.child() if parent is not None else TraceContext.new()
        token = _current.set(context)
        try:
            with structlog.contextvars.bound_contextvars(trace_id=context.trace_id):
                yield handle
        except Exception as error:
            handle.failed(error)
            raise
        finally:
            _current.reset(token)


@contextmanager
def events_traced(by_event: Mapping[uuid.UUID, str]) -> Iterator[None]:
    """While a consumer handles a batch: the trace of each event in it, by event id."""
    token = _by_event.set(by_event)
    try:
        yield
    finally:
        _by_event.reset(token)


def header_value(headers: Mapping[str, Any] | None) -> str | None:
    """The `traceparent` of AMQP message headers (a long string arrives as str or bytes)."""
    value = (headers or {}).get(TRACEPARENT_HEADER)
    if isinstance(value, bytes):
        return value.decode("ascii", errors="replace")
    return value if isinstance(value, str) else None


async def send_traceparent(request: httpx.Request) -> None:
    """An httpx request hook that sends the current trace along, for clients of our own
    services: `httpx.AsyncClient(..., event_hooks={"request": [send_traceparent]})`."""
    traceparent = current_traceparent()
    if traceparent is not None and TRACEPARENT_HEADER not in request.headers:
        request.headers[TRACEPARENT_HEADER] = traceparent
