"""OpenTelemetry span export, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

Without an endpoint nothing is recorded and `start_span` costs next to nothing; the trace ids
that `servicekit.tracing` propagates and logs are then made by servicekit itself. With one,
spans go to the endpoint over OTLP/HTTP (the exporter reads the standard `OTEL_EXPORTER_OTLP_*`
variables itself: headers, timeout, certificate).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags

if TYPE_CHECKING:
    from servicekit.tracing import TraceContext

ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
Kind = Literal["server", "client", "producer", "consumer", "internal"]
_KINDS: dict[str, SpanKind] = {
    "server": SpanKind.SERVER,
    "client": SpanKind.CLIENT,
    "producer": SpanKind.PRODUCER,
    "consumer": SpanKind.CONSUMER,
    "internal": SpanKind.INTERNAL,
}

_provider: TracerProvider | None = None


def configure_telemetry(*, service: str, environ: Mapping[str, str] | None = None) -> bool:
    """Start exporting spans when an OTLP endpoint is configured; True when exporting.
    Idempotent: the provider is process-wide, like logging."""
    global _provider  # noqa: PLW0603 - one tracer provider per process, by OpenTelemetry's design
    env = os.environ if environ is None else environ
    if _provider is not None:
        return True
    if not env.get(ENDPOINT_VARIABLE):
        return False
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    _provider = provider
    return True


def shutdown_telemetry() -> None:
    """Flush the spans still queued (at the end of the process's lifespan)."""
    global _provider  # noqa: PLW0603
    if _provider is not None:
        _provider.shutdown()
        _provider = None


def exporting() -> bool:
    return _provider is not None


class SpanHandle:
    """The span of a block: its ids once OpenTelemetry made them, and a way to name it late
    (an HTTP route's template is known only after routing)."""

    def __init__(self, span: trace.Span | None) -> None:
        self._span = span
        self.ids: tuple[str, str, str] | None = None
        if span is not None:
            context = span.get_span_context()
            self.ids = (
                format(context.trace_id, "032x"),
                format(context.span_id, "016x"),
                format(int(context.trace_flags), "02x"),
            )

    def rename(self, name: str) -> None:
        if self._span is not None:
            self._span.update_name(name)

    def set_attribute(self, key: str, value: str | int) -> None:
        if self._span is not None:
            self._span.set_attribute(key, value)

    def failed(self, error: BaseException | None = None) -> None:
        """Mark the span failed: by an exception, or by its outcome (an HTTP 5xx answer)."""
        if self._span is not None:
            if error is not None:
                self._span.record_exception(error)
            self._span.set_status(trace.Status(trace.StatusCode.ERROR))


@contextmanager
def start_span(
    name: str,
    *,
    parent: TraceContext | None,
    kind: Kind,
    attributes: Mapping[str, str | int] | None = None,
) -> Iterator[SpanHandle]:
    """A recorded span under `parent` when exporting; otherwise a handle without ids."""
    if _provider is None:
        yield SpanHandle(None)
        return
    context = None
    if parent is not None:
        remote = SpanContext(
            trace_id=int(parent.trace_id, 16),
            span_id=int(parent.span_id, 16),
            is_remote=True,
            trace_flags=TraceFlags(int(parent.flags, 16)),
        )
        context = trace.set_span_in_context(NonRecordingSpan(remote))
    tracer = _provider.get_tracer("servicekit")
    with tracer.start_as_current_span(
        name,
        context=context,
        kind=_KINDS[kind],
        attributes=dict(attributes or {}),
        record_exception=False,
        set_status_on_exception=False,
    ) as otel_span:
        yield SpanHandle(otel_span)
