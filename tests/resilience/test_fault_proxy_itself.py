"""The fault proxy the resilience tests rely on: it passes bytes, delays them, resets and cuts."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from demodata.system import FaultProxy


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):  # the proxy's resets reach this side too
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
    writer.close()


CUT = (ConnectionError, asyncio.IncompleteReadError)


async def roundtrip(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes
) -> bytes:
    writer.write(data)
    await writer.drain()
    return await reader.readexactly(len(data))


async def fresh_roundtrip(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await roundtrip(reader, writer, data)
    finally:
        writer.close()


async def test_the_proxy_passes_delays_resets_and_cuts() -> None:
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    proxy = FaultProxy(("127.0.0.1", port)).start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"ping")
        assert await reader.readexactly(4) == b"ping"

        proxy.latency = 0.2
        began = time.monotonic()
        writer.write(b"slow")
        assert await reader.readexactly(4) == b"slow"
        assert time.monotonic() - began >= 0.4  # delayed on the way there and back
        proxy.latency = 0.0

        assert proxy.reset_all() == 2  # the client's side and the server's
        with pytest.raises(CUT):
            await roundtrip(reader, writer, b"gone")
        writer.close()

        proxy.outage(True)
        with pytest.raises(CUT):  # refused at connect or cut at once, as a dead peer does
            await fresh_roundtrip(proxy.port, b"nobody")

        proxy.outage(False)
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"back")
        assert await reader.readexactly(4) == b"back"
        writer.close()
    finally:
        proxy.stop()
        server.close()
        await server.wait_closed()
