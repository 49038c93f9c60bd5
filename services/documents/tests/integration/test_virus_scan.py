"""The virus scan against Debian's clamd, started here with a signature database the test
writes itself (the EICAR test file's MD5 in a `.hdb` file: signatures cannot be downloaded)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from demodata.objectstore import MotoServer

from .. import samples
from .support import Harness, running, settings_for


def _clamd() -> str:
    found = shutil.which("clamd") or (
        "/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None
    )
    if found is None:
        pytest.fail(
            "The virus-scan test needs Debian's clamd: apt-get install clamav-daemon "
            "(deploy/local/ensure-infra.sh does).",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="module")
def clamd_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    digest = hashlib.md5(samples.EICAR, usedforsecurity=False).hexdigest()
    (folder / "db" / "test.hdb").write_text(f"{digest}:{len(samples.EICAR)}:Eicar-Test-Signature\n")
    socket = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        f"Foreground yes\nLocalSocket {socket}\nDatabaseDirectory {folder / 'db'}\n"
        f"StreamMaxLength 64M\nLogFile {folder / 'clamd.log'}\nPidFile {folder / 'clamd.pid'}\n"
    )
    process = subprocess.Popen(
        [_clamd(), f"--config-file={folder / 'clamd.conf'}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not socket.exists():
        assert process.poll() is None, "clamd exited; see its log"
        assert time.monotonic() < deadline, "clamd did not open its socket"
        time.sleep(0.1)
    yield socket
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
async def scanned(
    documents_database_url: str, amqp_url: str, moto: MotoServer, clamd_socket: Path
) -> AsyncIterator[Harness]:
    settings = settings_for(
        documents_database_url, amqp_url, moto.url, clamd_url=f"unix://{clamd_socket}"
    )
    async with running(settings) as harness:
        yield harness


async def test_a_clean_file_passes_the_scan(scanned: Harness) -> None:
    case_id = await scanned.open_case("0363")
    response = await scanned.upload(case_id, samples.pdf())
    assert response.status_code == 201, response.text
    ready = await scanned.client.get("/health/ready")
    assert ready.json()["info"]["virus_scanner"] is True


async def test_a_virus_is_refused_and_nothing_kept(scanned: Harness) -> None:
    case_id = await scanned.open_case("0363")
    objects = await scanned.objects()
    response = await scanned.upload(case_id, samples.EICAR, "factuur.pdf")
    assert response.status_code == 422
    assert response.json()["reason"] == "virus"
    assert "virus" in response.json()["detail"]
    assert await scanned.documents_of(case_id) == []
    assert await scanned.objects() == objects
    assert await scanned.outbox("documents.document.added", case_id) == []


async def test_the_scanner_down_refuses_the_upload(
    documents_database_url: str, amqp_url: str, moto: MotoServer, tmp_path: Path
) -> None:
    settings = settings_for(
        documents_database_url, amqp_url, moto.url, clamd_url=f"unix://{tmp_path / 'gone.sock'}"
    )
    async with running(settings) as harness:
        case_id = await harness.open_case("0363")
        response = await harness.upload(case_id, samples.pdf())
        assert response.status_code == 503
        assert "virusscan" in response.json()["detail"]
        assert await harness.documents_of(case_id) == []
