"""A local S3 endpoint for `make up`, the tests and the benchmarks: moto's server.

No MinIO server can run here; `moto_server` speaks the same S3 API (multipart uploads
included), so the documents service's `minio` client code is the same, only the URL differs.
It keeps objects in memory and forgets them when it stops.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def moto_server_command() -> str:
    """The `moto_server` of this environment (beside the running Python), else from PATH."""
    beside = Path(sys.executable).with_name("moto_server")
    if beside.exists():
        return str(beside)
    found = shutil.which("moto_server")
    if found is None:
        raise RuntimeError("moto_server not found: `uv sync` installs moto[server]")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class MotoServer:
    """One `moto_server` process on 127.0.0.1 (a free port unless given)."""

    def __init__(self, *, port: int | None = None, log: Path | None = None) -> None:
        self.port = port or _free_port()
        self._log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, seconds: float = 30.0) -> None:
        command = [moto_server_command(), "-H", "127.0.0.1", "-p", str(self.port)]
        if self._log is None:
            self.process = subprocess.Popen(  # noqa: S603 - our own command
                command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
            )
        else:
            with self._log.open("ab") as output:  # the child keeps its own descriptor
                self.process = subprocess.Popen(  # noqa: S603
                    command, stdout=output, stderr=subprocess.STDOUT
                )
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(self.url, timeout=1)
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"moto_server not answering on {self.url}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
