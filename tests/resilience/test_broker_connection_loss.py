"""The broker drops every connection: services reconnect and carry on, nothing is lost."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from demodata import ApplicationFactory
from demodata.system import LocalSystem

from ..e2e_support import eventually, overview, publish_as_website

pytestmark = pytest.mark.e2e


def close_all_connections(amqp_url: str) -> None:
    vhost = unquote(urlsplit(amqp_url).path.lstrip("/")) or "/"
    subprocess.run(
        ["rabbitmqctl", "-q", "close_all_connections", "--vhost", vhost, "test: broker restart"],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl on this host")
async def test_services_reconnect_after_the_broker_closed_their_connections(
    system: LocalSystem, api: httpx.AsyncClient
) -> None:
    # A municipality of its own: the counts of other tests stay exact.
    system.admin("org", "add-municipality", "0200", "Apeldoorn")
    system.wait_until_municipalities_known(("0200",))
    factory = ApplicationFactory(seed=31, number_offset=9_500_000)
    before = [factory.body("0200", city="Apeldoorn") for _ in range(20)]
    start = (await overview(api, municipality="0200"))["total"]["applications"]
    await publish_as_website(system.amqp_url, before)

    async def arrived(count: int) -> bool:
        total = (await overview(api, municipality="0200"))["total"]["applications"]
        return bool(total == start + count)

    await eventually(lambda: arrived(len(before)))
    close_all_connections(system.amqp_url)
    after = [factory.body("0200", city="Apeldoorn") for _ in range(20)]
    await publish_as_website(system.amqp_url, after)
    await eventually(lambda: arrived(len(before) + len(after)), seconds=60)
    for service in ("intake", "cases", "gateway"):
        assert system.processes[service].poll() is None, f"{service} died instead of reconnecting"
