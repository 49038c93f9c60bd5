"""The W3C trace across HTTP: continued from `traceparent`, bound to the log lines, passed on
to peers, exported over OTLP when an endpoint is set; and request latency by route template."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI, Request
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from prometheus_client import REGISTRY

from servicekit.http import create_service_app
from servicekit.peers import Peer
from servicekit.telemetry import configure_telemetry, exporting, shutdown_telemetry
from servicekit.tracing import TRACEPARENT_HEADER, TraceContext, send_traceparent, span

SECRET = "unit-test-internal-token-secret-0123456789abcdef"


@asynccontextmanager
async def _no_lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield


def _trace_id() -> Any:
    return structlog.contextvars.get_contextvars().get("trace_id")


def _documents() -> FastAPI:
    """A peer that tells which trace it was called in."""
    app = create_service_app(title="documents", description="d", lifespan=_no_lifespan)

    @app.get("/seen")
    async def seen(request: Request) -> dict[str, Any]:
        return {"trace_id": _trace_id(), "traceparent": request.headers.get(TRACEPARENT_HEADER)}

    return app


def _cases(documents: Peer, service_name: str = "cases") -> FastAPI:
    app = create_service_app(title="cases", description="d", lifespan=_no_lifespan)
    app.state.runtime = SimpleNamespace(settings=SimpleNamespace(service_name=service_name))

    @app.get("/cases/{case_id}")
    async def case(case_id: str) -> dict[str, Any]:
        answer = await documents.request("GET", "/seen")
        return {"trace_id": _trace_id(), "peer": answer.json()}

    return app


@pytest.fixture
async def cases() -> AsyncIterator[httpx.AsyncClient]:
    async with Peer(
        "http://documents",
        service_name="cases",
        secret=SECRET,
        transport=httpx.ASGITransport(app=_documents()),
    ) as documents:
        transport = httpx.ASGITransport(app=_cases(documents))
        async with httpx.AsyncClient(transport=transport, base_url="http://cases") as client:
            yield client


async def test_an_incoming_trace_is_logged_and_passed_on_to_the_peer(
    cases: httpx.AsyncClient,
) -> None:
    incoming = TraceContext.new()

    answer = await cases.get("/cases/17", headers={TRACEPARENT_HEADER: incoming.traceparent})
    body = answer.json()

    assert body["trace_id"] == incoming.trace_id
    assert body["peer"]["trace_id"] == incoming.trace_id
    sent = TraceContext.parse(body["peer"]["traceparent"])
    assert sent is not None
    assert sent.trace_id == incoming.trace_id
    assert sent.span_id != incoming.span_id, "the peer's parent is our span, not the caller's"


@pytest.mark.parametrize("header", [None, "garbage", "00-" + "0" * 32 + "-" + "1" * 16 + "-01"])
async def test_without_a_valid_traceparent_each_request_starts_its_own_trace(
    cases: httpx.AsyncClient, header: str | None
) -> None:
    headers = {TRACEPARENT_HEADER: header} if header else {}
    first = (await cases.get("/cases/1", headers=headers)).json()
    second = (await cases.get("/cases/1", headers=headers)).json()

    assert len(first["trace_id"]) == 32
    assert first["trace_id"] != second["trace_id"]
    assert first["peer"]["trace_id"] == first["trace_id"]


async def test_request_latency_is_labelled_by_route_template_never_by_raw_path() -> None:
    # A service name of this test's own: the registry is the process's, and other tests' apps
    # (still running in the session's event loop) count their requests in it too.
    service = "latency-test"

    def count(route: str, status: str) -> float:
        labels = {"service": service, "method": "GET", "route": route, "status": status}
        return REGISTRY.get_sample_value("http_request_duration_seconds_count", labels) or 0.0

    before = count("/cases/{case_id}", "2xx"), count("unmatched", "4xx")
    async with Peer(
        "http://documents",
        service_name=service,
        secret=SECRET,
        transport=httpx.ASGITransport(app=_documents()),
    ) as documents:
        transport = httpx.ASGITransport(app=_cases(documents, service))
        async with httpx.AsyncClient(transport=transport, base_url="http://cases") as cases:
            await cases.get("/cases/4711")
            await cases.get("/cases/4712")
            await cases.get("/no/such/page")
            exposed = (await cases.get("/metrics")).text

    assert count("/cases/{case_id}", "2xx") == before[0] + 2
    assert count("unmatched", "4xx") == before[1] + 1
    assert "/cases/4711" not in exposed, "the raw path is never a label"
    assert "/no/such/page" not in exposed


async def test_any_httpx_client_with_the_hook_sends_the_current_trace() -> None:
    transport = httpx.ASGITransport(app=_documents())
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://documents",
        event_hooks={"request": [send_traceparent]},
    ) as client:
        outside = (await client.get("/seen")).json()
        with span("job") as job:
            inside = (await client.get("/seen")).json()
            current = TraceContext.parse(inside["traceparent"])

    assert outside["traceparent"] is None, "no trace, no header: the peer starts its own"
    assert current is not None
    assert inside["trace_id"] == current.trace_id
    assert job.ids is None, "not exporting: servicekit made the ids itself"


@pytest.mark.parametrize(
    ("header", "valid"),
    [
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", True),
        ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00", True),
        ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", True),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", False),
        ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", False),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", False),
        ("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", False),
        ("", False),
    ],
)
def test_traceparent_parsing_follows_the_w3c_rules(header: str, valid: bool) -> None:
    parsed = TraceContext.parse(header)

    assert (parsed is not None) == valid
    if parsed is not None:
        assert parsed.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
        assert parsed.traceparent.startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")


class _Collector(BaseHTTPRequestHandler):
    """Stands in for an OpenTelemetry collector's OTLP/HTTP receiver."""

    received: list[ExportTraceServiceRequest] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/v1/traces":
            _Collector.received.append(ExportTraceServiceRequest.FromString(body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Collector.received.clear()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


def test_no_endpoint_no_export() -> None:
    assert configure_telemetry(service="cases", environ={}) is False
    assert not exporting()


async def test_with_an_endpoint_request_spans_go_to_the_collector_in_the_callers_trace(
    collector: str, cases: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector)
    assert configure_telemetry(service="cases")
    incoming = TraceContext.new()
    try:
        answer = await cases.get("/cases/9", headers={TRACEPARENT_HEADER: incoming.traceparent})
    finally:
        shutdown_telemetry()  # flushes the batch

    spans = [
        span
        for request in _Collector.received
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    by_name = {span.name: span for span in spans}
    assert set(by_name) == {"GET /cases/{case_id}", "GET /seen"}
    server = by_name["GET /cases/{case_id}"]
    assert server.trace_id.hex() == incoming.trace_id
    assert server.parent_span_id.hex() == incoming.span_id
    assert by_name["GET /seen"].parent_span_id == server.span_id
    assert answer.json()["trace_id"] == incoming.trace_id
    assert answer.json()["peer"]["traceparent"].split("-")[2] == server.span_id.hex()
