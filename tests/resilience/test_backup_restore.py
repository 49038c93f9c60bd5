"""The restore drill: cases' database dumped, dropped and restored with deploy/backup's
scripts while the service is stopped; afterwards the counts and a search are still right and
the applications that arrived meanwhile (held by the broker) are cases too."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from demodata.system import ROOT, LocalSystem

from ..e2e_support import Readers, overview, publish_as_website
from .support import Stream

pytestmark = pytest.mark.e2e

SCRIPTS = ROOT / "deploy" / "backup"


def script(system: LocalSystem, name: str, *args: str) -> str:
    done = subprocess.run(
        [str(SCRIPTS / name), *args],
        env=system.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def search(
    api: httpx.AsyncClient, readers: Readers, code: str, text: str
) -> list[dict[str, Any]]:
    response = await api.get(
        "/api/v1/cases",
        params={"municipality": code, "q": text, "limit": "200"},
        headers=await readers.headers(code),
    )
    assert response.status_code == 200, response.text
    return sorted(response.json()["items"], key=lambda case: str(case["id"]))


async def test_cases_database_dumped_dropped_and_restored(
    system: LocalSystem, api: httpx.AsyncClient, readers: Readers, tmp_path: Path
) -> None:
    stream = Stream(system, "0202", "Arnhem", seed=44, number_offset=7_400_000)
    await stream.open()
    first = stream.applications(60)
    await publish_as_website(system.amqp_url, first)
    await stream.reaches(api, len(first))
    before = await overview(api, municipality=stream.code)
    surname = json.loads(first[0])["application"]["applicant"]["last_name"]
    found_before = await search(api, readers, stream.code, surname)
    assert found_before, "the search finds the first applicant"

    system.stop("cases")
    out = script(system, "backup.sh", str(tmp_path), "cases")
    assert "backup: cases" in out
    # Arrives while cases is down and before the restore: the broker keeps it for cases.
    meanwhile = stream.applications(20)
    await publish_as_website(system.amqp_url, meanwhile)
    script(system, "restore.sh", str(tmp_path), "cases")
    system.start("cases")
    system.wait_ready("cases")

    await stream.reaches(api, len(first) + len(meanwhile), seconds=60)
    after = await overview(api, municipality=stream.code)
    for measure in ("applications", "adults", "persons"):
        assert after["total"][measure] >= before["total"][measure]
    assert after["total"]["applications"] == len(first) + len(meanwhile)
    found_after = await search(api, readers, stream.code, surname)
    assert {c["id"] for c in found_before} <= {c["id"] for c in found_after}, (
        "every case the search found before the drill is found after it"
    )
    await stream.assert_exactly_once(api, readers)


def test_restore_refuses_a_dump_that_does_not_match_its_checksum(
    system: LocalSystem, tmp_path: Path
) -> None:
    script(system, "backup.sh", str(tmp_path), "gateway")
    with (tmp_path / "gateway.dump").open("ab") as dump:
        dump.write(b"corrupt")
    done = subprocess.run(
        [str(SCRIPTS / "restore.sh"), str(tmp_path), "gateway"],
        env=system.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "FAILED" in done.stdout + done.stderr
