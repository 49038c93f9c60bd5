"""An upload whose connection drops halfway, and object storage that is down: nothing is
half-stored, the user gets a clear 503, and the sweeper removes what a failed upload left."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from demodata.objectstore import MotoServer
from servicekit.testing import eventually

from .. import samples
from .support import Harness, files_in, running, settings_for


@pytest.fixture
async def served(harness: Harness) -> AsyncIterator[int]:
    """The harness's app behind a real HTTP server (its lifespan already runs)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(harness.app, lifespan="off", log_config=None, access_log=False, ws="none")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    yield port
    server.should_exit = True
    await task
    sock.close()


async def test_an_upload_whose_connection_drops_halfway_leaves_nothing(
    harness: Harness, served: int, spool: Path
) -> None:
    case_id = await harness.open_case("0363")
    objects = await harness.objects()
    boundary = "grens"
    data = samples.pdf(padding=4 * 1024 * 1024)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npayslip\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    headers = "".join(f"{name}: {value}\r\n" for name, value in harness.headers().items())
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    writer.write(
        (
            f"POST /cases/{case_id}/documents HTTP/1.1\r\nHost: documents\r\n{headers}"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(head) + len(data) + len(tail)}\r\n\r\n"
        ).encode()
        + head
        + data[: len(data) // 2]
    )
    await writer.drain()

    async def spooling() -> bool:
        return bool(files_in(spool))

    await eventually(spooling)  # the service has begun to write the file to disk
    writer.close()
    await writer.wait_closed()
    del reader

    async def cleaned_up() -> bool:
        return files_in(spool) == []

    await eventually(cleaned_up)
    assert await harness.documents_of(case_id) == []
    assert await harness.objects() == objects
    assert await harness.outbox("documents.document.added", case_id) == []
    assert await harness.pending() == 0


async def test_storage_down_is_a_clear_503_and_nothing_is_half_stored(
    documents_database_url: str, amqp_url: str, tmp_path: Path
) -> None:
    storage = MotoServer()
    storage.start()
    settings = settings_for(documents_database_url, amqp_url, storage.url, spool_dir=tmp_path)
    async with running(settings) as harness:
        case_id = await harness.open_case("0363")
        pending_before = await harness.pending()
        storage.stop()

        response = await harness.upload(case_id, samples.pdf(padding=1024 * 1024))

        assert response.status_code == 503
        assert "niet bereikbaar" in response.json()["detail"]
        assert response.headers["retry-after"]
        assert await harness.documents_of(case_id) == []
        assert await harness.outbox("documents.document.added", case_id) == []
        assert files_in(tmp_path) == []
        # Its key stays pending: storage could not be asked to remove what it may have kept.
        assert await harness.pending() == pending_before + 1

        storage = MotoServer(port=storage.port)
        storage.start()
        try:
            again = await harness.upload(case_id, samples.pdf())
            assert again.status_code == 201, again.text  # the user retried later
            runtime = harness.app.state.runtime
            runtime.clock.advance(timedelta(seconds=settings.pending_object_grace_seconds + 1))
            swept = await harness.app.state.sweeper.sweep()
            assert swept.pending_removed >= 1
            assert await harness.pending() == 0
            assert len(await harness.documents_of(case_id)) == 1
        finally:
            storage.stop()
