"""Runs the whole backoffice as separate processes, as `make up` does, for tests and benchmarks.

Each `LocalSystem` gets databases of its own and free ports, so it never touches a running
`make up` system; it can kill and restart one service to show what survives a crash.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from demodata.mailcatcher import MailCatcher
from demodata.objectstore import MotoServer

SERVICES = ("intake", "cases", "documents", "assessment", "correspondence", "gateway")
OCKTO = "ockto_simulator"
"""The Ockto stand-in (an outside party): started with the services, never migrated."""
HELPERS = ("smtp", "unoserver", "uno")
"""Ports of what the services need: the mail catcher, LibreOffice behind unoserver."""
ROOT = Path(__file__).resolve().parents[4]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


_MIGRATE_ALL = """
import runpy, sys
for service in sys.argv[1:]:
    sys.argv = [service, "migrate"]
    runpy.run_module(service, run_name="__main__", alter_sys=True)
"""

_ADMIN_ALL = """
import contextlib, io, json, sys
from gateway.admin import main
printed = []
for argv in json.loads(sys.argv[1]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    if code != 0:
        sys.exit(f"admin {' '.join(argv[:2])} failed ({code})")
    printed.append(out.getvalue())
print(json.dumps(printed))
"""


@dataclass
class LocalSystem:
    postgres_server_url: str
    amqp_url: str
    logs: Path
    website_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    internal_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    ockto_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    ockto_api_key: str = field(default_factory=lambda: secrets.token_hex(16))
    ports: dict[str, int] = field(
        default_factory=lambda: {s: free_port() for s in (*SERVICES, OCKTO, *HELPERS)}
    )
    suffix: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    storage: MotoServer = field(default_factory=MotoServer)
    """The S3 endpoint of the documents service (moto_server on a free port)."""
    mail: MailCatcher | None = None
    """The SMTP server the correspondence service sends to (in this process, for counting)."""
    office: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    """Settings added to (or overriding) the services' environment, e.g. for the browser tests
    `GATEWAY_COOKIE_SECURE=false`, since this system serves plain HTTP on 127.0.0.1."""

    def database_url(self, service: str) -> str:
        base = self.postgres_server_url.rsplit("/", 1)[0]
        return f"{base}/sys_{service}_{self.suffix}"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "BACKOFFICE_ENVIRONMENT": "test",
                "BACKOFFICE_AMQP_URL": self.amqp_url,
                "BACKOFFICE_INTERNAL_TOKEN_SECRET": self.internal_secret,
                "BACKOFFICE_LOG_LEVEL": "INFO",
                "INTAKE_WEBSITE_HMAC_SECRET": self.website_secret,
                "GATEWAY_WEBSITE_HMAC_SECRET": self.website_secret,
                "GATEWAY_CASES_URL": self.url("cases"),
                "GATEWAY_INTAKE_URL": self.url("intake"),
                "GATEWAY_DOCUMENTS_URL": self.url("documents"),
                "DOCUMENTS_S3_ENDPOINT": self.storage.url,
                "DOCUMENTS_PUBLIC_BASE_URL": self.url("gateway"),
                "DOCUMENTS_EVIDENCE_BUCKET": f"evidence-{self.suffix}",
                "DOCUMENTS_LETTERS_BUCKET": f"letters-{self.suffix}",
                "GATEWAY_ASSESSMENT_URL": self.url("assessment"),
                "ASSESSMENT_OCKTO_API_URL": self.url(OCKTO),
                "ASSESSMENT_OCKTO_API_KEY": self.ockto_api_key,
                "ASSESSMENT_OCKTO_WEBHOOK_SECRET": self.ockto_secret,
                "ASSESSMENT_OCKTO_CALLBACK_URL": self.url("gateway") + "/api/v1/ockto/deliveries",
                "ASSESSMENT_WORKER_POLL_SECONDS": "0.5",
                "OCKTO_SIMULATOR_API_KEY": self.ockto_api_key,
                "OCKTO_SIMULATOR_WEBHOOK_SECRET": self.ockto_secret,
                "OCKTO_SIMULATOR_PUBLIC_URL": self.url(OCKTO),
                "GATEWAY_CORRESPONDENCE_URL": self.url("correspondence"),
                "CORRESPONDENCE_SMTP_PORT": str(self.ports["smtp"]),
                "CORRESPONDENCE_DOCUMENTS_URL": self.url("documents"),
                "ASSESSMENT_DOCUMENTS_URL": self.url("documents"),
                "CORRESPONDENCE_UNOSERVER_URL": f"http://127.0.0.1:{self.ports['unoserver']}",
            }
        )
        for service in SERVICES:
            env[f"{service.upper()}_DATABASE_URL"] = self.database_url(service)
        env.update(self.extra_env)
        return env

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def ockto_client(self, *, timeout: float = 30) -> httpx.AsyncClient:
        """The Ockto simulator's API with its key, as tests, demos and benchmarks drive it."""
        return httpx.AsyncClient(
            base_url=self.url(OCKTO),
            headers={"Authorization": f"Bearer {self.ockto_api_key}"},
            timeout=timeout,
        )

    def run(self, *args: str) -> str:
        """Run a command (e.g. the admin CLI) with this system's settings; returns stdout."""
        done = subprocess.run(  # noqa: S603 - our own commands
            [sys.executable, *args],
            check=False,
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}"
            )
        return done.stdout

    def admin(self, *args: str) -> str:
        return self.run("-m", "gateway.admin", *args)

    def admin_all(self, *commands: Sequence[str]) -> list[str]:
        """Admin CLI commands in order in one process, and what each printed: starting Python
        and importing the gateway costs seconds per command on a small, busy machine."""
        printed = self.run("-c", _ADMIN_ALL, json.dumps([list(command) for command in commands]))
        outputs: list[str] = json.loads(printed)
        return outputs

    def migrate(self) -> None:
        """Every service's `migrate` command, in one process (a process per service cost
        seconds each on a small, busy machine)."""
        self.run("-c", _MIGRATE_ALL, *SERVICES)

    def start(
        self, service: str, *, name: str | None = None, settings: dict[str, str] | None = None
    ) -> None:
        """Start a service process; `name` (with a port of its own) starts another replica,
        `settings` are added to its environment only."""
        name = name or service
        self.ports.setdefault(name, free_port())
        self.logs.mkdir(parents=True, exist_ok=True)
        with (self.logs / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", service, "serve", "--port", str(self.ports[name])],
                env=self.env | (settings or {}),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start_mail(self) -> MailCatcher:
        if self.mail is None:
            self.mail = MailCatcher(port=self.ports["smtp"]).start()
        return self.mail

    def start_office(self) -> None:
        """LibreOffice behind unoserver (only systems that render Word letters need it)."""
        from demodata import office

        if self.office is None:
            self.logs.mkdir(parents=True, exist_ok=True)
            self.office = office.start(
                self.ports["unoserver"], self.ports["uno"], log=self.logs / "unoserver.log"
            )
            office.wait_ready(self.ports["unoserver"])

    def start_all(self, *, ready_seconds: float = 180.0) -> None:
        self.start_mail()
        if self.storage.process is None:
            self.logs.mkdir(parents=True, exist_ok=True)
            self.storage = MotoServer(port=self.storage.port, log=self.logs / "moto.log")
            self.storage.start()
        for service in (OCKTO, *SERVICES):
            self.start(service)
        self.wait_ready(seconds=ready_seconds)

    def stop(self, name: str) -> None:
        """SIGTERM one process and wait for its shutdown."""
        process = self.processes.pop(name)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    def kill(self, service: str) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or an OOM kill."""
        process = self.processes.pop(service)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def wait_ready(self, *services: str, seconds: float = 180.0) -> None:
        """Until every (given) process answers ready; generous, for a busy 2-core machine."""
        deadline = time.monotonic() + seconds
        for service in services or tuple(self.processes):
            while True:
                process = self.processes[service]
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{service} exited with {process.returncode}; see {self.logs}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{self.url(service)}/health/ready", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{service} not ready after {seconds} s; see {self.logs}")
                time.sleep(0.1)

    def internal_headers(self) -> dict[str, str]:
        """Headers a service accepts from this launcher, acting as a service itself (`system`)."""
        from servicekit.auth import TOKEN_HEADER, issue_token, system_principal

        launcher = system_principal("local-system")
        return {TOKEN_HEADER: issue_token(launcher, secret=self.internal_secret)}

    def wait_until_municipalities_known(self, codes: tuple[str, ...], seconds: float = 30) -> None:
        """Intake learns customer municipalities from the gateway's events; wait for that."""
        deadline = time.monotonic() + seconds
        while True:
            response = httpx.get(
                f"{self.url('intake')}/municipalities", headers=self.internal_headers(), timeout=5
            )
            known = (
                {item["code"] for item in response.json()} if response.status_code == 200 else set()
            )
            if set(codes) <= known:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"intake does not know {sorted(set(codes) - known)}")
            time.sleep(0.1)

    def stop_all(self) -> None:
        if self.mail is not None:
            self.mail.stop()
            self.mail = None
        if self.office is not None:
            os.killpg(self.office.pid, signal.SIGKILL)  # unoserver and its LibreOffice
            self.office.wait(timeout=20)
            self.office = None
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        self.storage.stop()

    def drop_databases(self) -> None:
        import asyncio

        from servicekit.db import drop_database

        async def drop_all() -> None:
            for service in SERVICES:
                await drop_database(self.database_url(service))

        asyncio.run(drop_all())


def cpu_seconds(pid: int) -> float | None:
    """The process's CPU time so far (user + system), from /proc; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_address(url: str, host: str, port: int) -> str:
    """`url` pointed at another host and port (user, database or vhost kept): through a proxy."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def target_of(url: str) -> tuple[str, int]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    default = 5672 if parts.scheme.startswith("amqp") else 5432
    return parts.hostname or "127.0.0.1", parts.port or default


class FaultProxy:
    """A TCP proxy in front of PostgreSQL or RabbitMQ that adds faults on demand, as aio-pika's
    own connection-cut tests do: latency per chunk, every open connection reset (RST), and an
    outage in which new connections are cut at once. Runs its own event loop in a thread, so
    the services (other processes) and the test's own loop are both unaffected by its work.
    """

    def __init__(self, target: tuple[str, int], *, port: int | None = None) -> None:
        import asyncio
        import threading

        self.target = target
        self.port = port or free_port()
        self.latency = 0.0
        """Seconds added before each chunk is passed on, both ways."""
        self.refusing = False
        self.resets = 0
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"fault-proxy-{self.port}")
        self._thread.daemon = True
        self._server: asyncio.AbstractServer | None = None

    def url(self, url: str) -> str:
        return with_address(url, "127.0.0.1", self.port)

    def start(self) -> FaultProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise TimeoutError("fault proxy did not start")
        return self

    def stop(self) -> None:
        self.reset_all()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def reset_all(self) -> int:
        """Reset every open connection (both sides see ECONNRESET); returns how many."""
        import concurrent.futures

        future: concurrent.futures.Future[int] = concurrent.futures.Future()

        def reset() -> None:
            count = 0
            for writer in list(self._writers):
                self._abort(writer)
                count += 1
            self._writers.clear()
            future.set_result(count)

        self._loop.call_soon_threadsafe(reset)
        count = future.result(timeout=10)
        self.resets += count
        return count

    def outage(self, on: bool) -> None:
        """While on, open connections are reset and new ones cut at once (a dead peer)."""
        self.refusing = on
        if on:
            self.reset_all()

    def _serve(self) -> None:
        import asyncio

        asyncio.set_event_loop(self._loop)

        async def listen() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

        self._loop.run_until_complete(listen())
        self._ready.set()
        self._loop.run_forever()
        # Stopped: end the pipes and the listener, then close the loop (no leaked sockets).
        if self._server is not None:
            self._server.close()
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        for writer in list(self._writers):
            self._abort(writer)
        self._loop.run_until_complete(asyncio.sleep(0))
        self._loop.close()

    @staticmethod
    def _abort(writer: object) -> None:
        import struct

        transport = writer.transport  # type: ignore[attr-defined]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                # Linger 0: close sends RST, as a broken network or a killed peer does.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    async def _handle(self, client_reader: object, client_writer: object) -> None:
        import asyncio

        assert isinstance(client_reader, asyncio.StreamReader)
        assert isinstance(client_writer, asyncio.StreamWriter)
        if self.refusing:
            self._abort(client_writer)
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._abort(client_writer)
            return
        self._writers.update((client_writer, upstream_writer))
        pipes = [
            asyncio.create_task(self._pipe(client_reader, upstream_writer)),
            asyncio.create_task(self._pipe(upstream_reader, client_writer)),
        ]
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        for writer in (client_writer, upstream_writer):
            self._writers.discard(writer)
            self._abort(writer)
        for pipe in pipes:
            pipe.cancel()

    async def _pipe(self, reader: object, writer: object) -> None:
        import asyncio

        assert isinstance(reader, asyncio.StreamReader)
        assert isinstance(writer, asyncio.StreamWriter)
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while chunk := await reader.read(65536):
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(chunk)
                await writer.drain()


async def terminate_connections(postgres_server_url: str, database: str) -> int:
    """Terminate every session of `database` (as an administrator or a failover would);
    returns how many were terminated."""
    import asyncpg
    from sqlalchemy.engine import make_url

    admin = make_url(postgres_server_url).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        rows = await connection.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        return sum(1 for row in rows if row[0])
    finally:
        await connection.close()


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def restart_all(
    system: LocalSystem, services: tuple[str, ...], *, grace: float = 20.0
) -> list[str]:
    """SIGTERM the services at once and start them again; returns those that did not stop
    within `grace` seconds (killed then, and reaped, so no process is left behind)."""
    processes = {name: system.processes.pop(name) for name in services}
    for process in processes.values():
        process.terminate()
    deadline = time.monotonic() + grace
    hung = []
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            hung.append(name)
            process.kill()
            process.wait(timeout=30)
    for name in services:
        system.start(name)
    system.wait_ready(*services, seconds=240)
    return hung
