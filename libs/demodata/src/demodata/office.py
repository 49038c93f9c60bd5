"""LibreOffice kept running behind `unoserver`, for `make up`, the tests and the benchmark.

Debian's `libreoffice-writer-nogui` and `python3-uno` provide LibreOffice and its Python
bridge (`uno`, built for Debian's Python 3.11); unoserver (from PyPI, in our environment) runs
with our interpreter and sees only the bridge's two modules and LibreOffice's program folder,
not the rest of Debian's Python packages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

UNO_MODULES = Path("/usr/lib/python3/dist-packages")
PROGRAM = Path("/usr/lib/libreoffice/program")


def uno_path() -> str:
    """A folder with only `uno.py` and `unohelper.py`, plus LibreOffice's program folder."""
    shim = Path(tempfile.gettempdir()) / "backoffice-uno-shim"
    shim.mkdir(exist_ok=True)
    for name in ("uno.py", "unohelper.py"):
        target = shim / name
        if not target.exists():
            target.symlink_to(UNO_MODULES / name)
    return f"{shim}{os.pathsep}{PROGRAM}"


def command(port: int, uno_port: int) -> list[str]:
    soffice = shutil.which("soffice") or str(PROGRAM / "soffice")
    return [
        sys.executable, "-m", "unoserver.server", "--interface", "127.0.0.1",
        "--port", str(port), "--uno-port", str(uno_port), "--executable", soffice,
    ]  # fmt: skip


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = uno_path()
    return env


def start(port: int, uno_port: int, *, log: Path | None = None) -> subprocess.Popen[bytes]:
    if log is None:
        return subprocess.Popen(  # noqa: S603 - our own command
            command(port, uno_port),
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(  # noqa: S603 - our own command
            command(port, uno_port),
            env=environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_ready(port: int, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}").info()
            return
        except (OSError, xmlrpc.client.Error):
            time.sleep(0.3)
    raise TimeoutError(f"unoserver on port {port} not ready after {seconds} s")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demodata.office")
    parser.add_argument("--port", type=int, default=2003)
    parser.add_argument("--uno-port", type=int, default=2002)
    arguments = parser.parse_args()
    os.execve(sys.executable, command(arguments.port, arguments.uno_port), environment())  # noqa: S606


if __name__ == "__main__":
    main()
