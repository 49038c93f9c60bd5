"""Correspondence throughput: letters rendered to PDF and e-mailed, 1 vs 2 processes.

    uv run python bench/correspondence.py [-n 2000] [--pipeline-only]

In one run: N invitation letters (one page, PDF/A attached to an e-mail) through the real
pipeline (events in, the letters queue, Typst batch rendering, SMTP to a local aiosmtpd) with
1 and with 2 correspondence processes; a naive baseline in this process (a fresh WeasyPrint
`HTML(string=...).write_pdf()` per letter); the rendering alternatives measured for the README's
choice; Word letters per second through the kept-running LibreOffice; e-mails per second alone;
and the projected time of a 50,000-letter campaign on 2 and on 8 cores. The SMTP server and the
documents stub run in processes of their own, and the CPU the correspondence processes spend per
letter is printed next to the rates: on a machine other work shares, it moves far less.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# This script is named after the package it measures: keep its folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import weasyprint  # type: ignore[import-untyped]
from pypdf import PdfReader, PdfWriter

from contracts.assessment import DataSessionStarted
from contracts.base import Envelope, Event
from contracts.cases import CaseOpened
from contracts.household import Address, Adult, Household
from contracts.organisations import MunicipalityRegistered
from correspondence.rendering import email as mail
from correspondence.rendering.letter import LetterCompiler, LetterPage
from correspondence.rendering.office import OfficeConverter
from correspondence.rendering.pdf import split_letters
from correspondence.sending.smtp import Mailer
from correspondence.settings import CorrespondenceSettings
from demodata import office
from demodata.mailcatcher import MailCatcher
from demodata.system import LocalSystem, cpu_seconds, free_port
from servicekit.bus import Bus

ROOT = Path(__file__).resolve().parents[1]
DOCX = ROOT / "services" / "correspondence" / "tests" / "data" / "brief-besluit-toekenning.docx"
CODE = "0363"
BODY = "<p>Beste J. de Vries,</p><p>Wij vragen u om uw gegevens over inkomen en vermogen aan te leveren via Ockto. Dat kan tot 15 december 2026.</p><ul><li>loonstroken</li><li>bankafschrift</li></ul><p>Met vriendelijke groet,</p><p>Gemeente Amsterdam</p>"


def page(i: int) -> LetterPage:
    return LetterPage(
        body_html=BODY,
        address=(f"J. de Vries {i}", "Dorpsstraat 12", "1011 AB  Amsterdam"),
        date="1 december 2026",
        reference=f"GP-{i:06d}",
        subject="Uitnodiging",
        sender=("Gemeente Amsterdam",),
        return_address="Postbus 1, 1000 AA Amsterdam",
        footer="Gemeente Amsterdam",
    )


def measure_rendering() -> dict[str, float]:
    """Milliseconds per letter of each way to make the PDFs."""
    html = (
        f"<html><body><p>J. de Vries<br>Dorpsstraat 12<br>1011 AB Amsterdam</p>{BODY}</body></html>"
    )
    out: dict[str, float] = {}
    started = time.perf_counter()
    for _ in range(30):
        weasyprint.HTML(string=html).write_pdf()
    out["naive WeasyPrint, one document per letter"] = (time.perf_counter() - started) / 30 * 1000
    sections = "".join(
        f'<section style="page-break-after: always">{html[12:-14]}</section>' for _ in range(40)
    )
    started = time.perf_counter()
    pdf = weasyprint.HTML(string=f"<html><body>{sections}</body></html>").write_pdf(
        pdf_variant="pdf/a-3b"
    )
    reader = PdfReader(io.BytesIO(pdf))
    for index in range(len(reader.pages)):
        writer = PdfWriter()
        writer.add_page(reader.pages[index])
        writer.write(io.BytesIO())
    out["WeasyPrint pdf/a-3b, 40 letters as one document + split (pypdf)"] = (
        (time.perf_counter() - started) / 40 * 1000
    )
    compiler = LetterCompiler()
    compiler.compile([page(0)])
    started = time.perf_counter()
    for i in range(30):
        compiler.compile([page(i)])
    out["Typst, one compile per letter"] = (time.perf_counter() - started) / 30 * 1000
    letters = [page(i) for i in range(400)]
    started = time.perf_counter()
    pdf = compiler.compile(letters)
    compiled = time.perf_counter()
    split_letters(pdf, 400)
    out["Typst, 400 letters as one document"] = (compiled - started) / 400 * 1000
    out["Typst, 400 letters as one document + split (pikepdf)"] = (
        (time.perf_counter() - started) / 400 * 1000
    )
    return out


async def measure_word(letters: int = 12) -> float:
    port = free_port()
    process = office.start(port, free_port())
    try:
        office.wait_ready(port)
        converter = OfficeConverter(f"http://127.0.0.1:{port}")
        data = DOCX.read_bytes()
        await converter.to_pdf(data)
        started = time.perf_counter()
        for _ in range(letters):
            await converter.to_pdf(data)
        return letters / (time.perf_counter() - started)
    finally:
        os.killpg(process.pid, 9)
        process.wait()


def mail_server(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "demodata.mailcatcher", "--smtp-port", str(port),
         "--http-port", str(free_port())],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def measure_email(pdf: bytes, count: int = 1000) -> tuple[float, float]:
    """E-mails/s over one SMTP connection to aiosmtpd in a process of its own (in this
    process the server would share our GIL): a short message, and a letter with its PDF."""
    port = free_port()
    server = mail_server(port)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
        mailer = Mailer(CorrespondenceSettings(smtp_port=port))
        rates = []
        for attachment in (None, pdf):
            message = mail.build(
                letter_id=uuid.uuid4(),
                case_id=uuid.uuid4(),
                sender="Gemeente Amsterdam <noreply@example.org>",
                reply_to=None,
                recipient="b@example.org",
                subject="Uitnodiging",
                html="<p>Beste inwoner,</p><p>Hierbij uw brief.</p>",
                text="Beste inwoner,\n\nHierbij uw brief.\n",
                pdf=attachment,
                pdf_name="brief.pdf",
                domain="example.org",
                date=datetime.now(UTC),
            )
            await mailer.send(message, recipient="b@example.org")
            started = time.perf_counter()
            for _ in range(count):
                await mailer.send(message, recipient="b@example.org")
            rates.append(count / (time.perf_counter() - started))
        await mailer.close()
        return rates[0], rates[1]
    finally:
        server.terminate()
        server.wait()


def case(i: int) -> CaseOpened:
    return CaseOpened(
        case_id=uuid.uuid4(),
        kind="application",
        application_number=f"GP-B-{i:06d}",
        municipality_code=CODE,
        status="received",
        adults=1,
        persons=1,
        submitted_at=datetime.now(UTC),
        household=Household(
            applicant=Adult(
                bsn="111222333",
                initials="J.",
                last_name="Vries",
                prefix="de",
                date_of_birth=date(1980, 1, 1),
                email=f"r{i}@example.org",
                address=Address(
                    street="Dorpsstraat",
                    house_number=i % 300 + 1,
                    postal_code="1011 AB",
                    city="Amsterdam",
                ),
            )
        ),
    )


class DocumentsHandler(BaseHTTPRequestHandler):
    """The documents service's two internal calls the letters make (upload link, archive),
    answered at once: the pipeline makes its real calls, the bench does not measure the
    documents service (its S3, its database) on the same two cores."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = uuid.uuid5(uuid.NAMESPACE_URL, self.path)
        if self.path.endswith("/upload-links"):
            answer = {
                "id": str(key),
                "url": f"https://upload.example/{key}",
                "expires_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
            }
        else:
            answer = {"id": str(uuid.uuid4())}
        body = json.dumps(answer).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def serve_documents(port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), DocumentsHandler).serve_forever()


def serve_mail(port: int, received: Any) -> None:
    class Counting(MailCatcher):
        def keep(self, envelope: object, session: object) -> None:
            with received.get_lock():
                received.value += 1

    Counting(port=port).start()
    threading.Event().wait()


class Peers:
    """The SMTP server (aiosmtpd) and the documents stub, each in a process of its own: in
    the bench's process they shared one GIL with each other and with the bench's own loop,
    and their many threads (one per documents connection) slowed every replica down."""

    def __init__(self, smtp_port: int) -> None:
        # Forked, not spawned: a spawned child imports this script again (WeasyPrint and all),
        # which takes longer than the whole run on a loaded machine.
        context = multiprocessing.get_context("fork")
        self.received = context.Value("i", 0)
        self.documents_url = f"http://127.0.0.1:{free_port()}"
        documents_port = int(self.documents_url.rsplit(":", 1)[1])
        self.processes = [
            context.Process(target=serve_documents, args=(documents_port,), daemon=True),
            context.Process(target=serve_mail, args=(smtp_port, self.received), daemon=True),
        ]
        for process in self.processes:
            process.start()
        for port in (documents_port, smtp_port):
            wait_for_port(port)

    def count(self) -> int:
        return int(self.received.value)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(process.pid or 0) or 0.0 for process in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.join(10)


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


async def publish(bus: Bus, events: list[Event]) -> None:
    for start in range(0, len(events), 500):
        await asyncio.gather(
            *(
                bus.publish_envelope(e.routing_key(), Envelope.wrap(e, correlation_id="bench"))
                for e in events[start : start + 500]
            )
        )


@dataclass
class Run:
    rate: float
    """Letters/s from the first data session event until the last e-mail arrived."""
    service_cpu_ms: float
    """CPU of the correspondence processes per letter: unlike the rate, barely moved by what
    else runs on the machine."""
    bench_cpu_ms: float
    """CPU of the SMTP server and the documents stub per letter."""


async def pipeline(n: int, processes: int, postgres: str, amqp: str) -> Run:
    """Invitation letters through the real pipeline, timed from the first data session event
    until the last e-mail arrived."""
    system = LocalSystem(
        postgres_server_url=postgres,
        amqp_url=amqp,
        logs=ROOT / "artifacts" / "bench-correspondence",
        extra_env={
            "CORRESPONDENCE_RENDER_BATCH_SIZE": "100",
            "CORRESPONDENCE_LETTERS_PREFETCH": "200",
            "CORRESPONDENCE_DOCUMENTS_URL": "http://127.0.0.1:1",
            "BACKOFFICE_LOG_LEVEL": "WARNING",
        },
    )
    catcher = Peers(system.ports["smtp"])
    system.extra_env["CORRESPONDENCE_DOCUMENTS_URL"] = catcher.documents_url
    system.run("-m", "correspondence", "migrate")
    bus = Bus(amqp, service="bench")
    await bus.connect()
    try:
        names = ["correspondence"] + [f"correspondence-{i}" for i in range(2, processes + 1)]
        for name in names:
            system.start("correspondence", name=name)
        system.wait_ready(*names, seconds=240)
        cases = [case(i) for i in range(n)]
        await publish(bus, [MunicipalityRegistered(code=CODE, name="Gemeente Amsterdam"), *cases])
        while catcher.count() < n:  # the acknowledgements: not timed
            await asyncio.sleep(0.2)
        now = datetime.now(UTC)
        sessions = [
            DataSessionStarted(
                session_id=f"s{i}",
                case_id=c.case_id,
                municipality_code=CODE,
                url=f"https://ockto.example/s/{i}",
                expires_at=now + timedelta(days=30),
                trigger="automatic",
                started_by="system",
                started_at=now,
            )
            for i, c in enumerate(cases)
        ]
        pids = [system.processes[name].pid for name in names]
        service_cpu = sum(cpu_seconds(pid) or 0.0 for pid in pids)
        bench_cpu = catcher.cpu_seconds()
        started = time.perf_counter()
        await publish(bus, list(sessions))
        while catcher.count() < 2 * n:
            await asyncio.sleep(0.05)
        rate = n / (time.perf_counter() - started)
        return Run(
            rate=rate,
            service_cpu_ms=(sum(cpu_seconds(pid) or 0.0 for pid in pids) - service_cpu) / n * 1000,
            bench_cpu_ms=(catcher.cpu_seconds() - bench_cpu) / n * 1000,
        )
    finally:
        await bus.close()
        system.stop_all()
        catcher.stop()
        from servicekit.db import drop_database

        await drop_database(system.database_url("correspondence"))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument(
        "--pipeline-only", action="store_true", help="skip the rendering, Word and e-mail parts"
    )
    arguments = parser.parse_args()
    postgres = os.environ.get(
        "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    amqp = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if arguments.pipeline_only:
        for processes in (1, 2):
            run = await pipeline(arguments.n, processes, postgres, amqp)
            print(
                f"{processes} process(es): {run.rate:.1f} letters/s, correspondence CPU "
                f"{run.service_cpu_ms:.1f} ms a letter, SMTP + documents {run.bench_cpu_ms:.1f} ms"
            )
        return
    rendering = measure_rendering()
    for name, ms in rendering.items():
        print(f"  {name}: {ms:.2f} ms/letter")
    naive = 1000 / rendering["naive WeasyPrint, one document per letter"]
    print(f"Word letters through the kept-running LibreOffice: {await measure_word():.1f}/s")
    short, letter = await measure_email(split_letters(LetterCompiler().compile([page(1)]), 1)[0])
    print(
        f"e-mails alone (one SMTP connection, aiosmtpd in its own process): short {short:.0f}/s, "
        f"with a one-page letter PDF attached {letter:.0f}/s"
    )
    if arguments.n == 0:
        return
    first = await pipeline(arguments.n, 1, postgres, amqp)
    second = await pipeline(arguments.n, 2, postgres, amqp)
    one, two = first.rate, second.rate
    print(
        f"pipeline, {arguments.n} invitation letters (PDF/A + e-mail): 1 process {one:.1f}/s, 2 processes {two:.1f}/s, ratio {two / one:.2f}x"
    )
    for label, run in (("1 process", first), ("2 processes", second)):
        print(
            f"  CPU per letter, {label}: correspondence {run.service_cpu_ms:.1f} ms, "
            f"SMTP server + documents stub {run.bench_cpu_ms:.1f} ms"
        )
    print(f"naive baseline {naive:.1f} letters/s: one process is {one / naive:.1f}x the baseline")
    per_core = two / 2
    print(
        f"50,000-letter campaign: 2 cores {50000 / two / 60:.1f} min; 8 cores about {50000 / (per_core * 8 * min(1.0, two / one / 2)) / 60:.1f} min (linear from the 2-process efficiency)"
    )
    capacity = 1000 / second.service_cpu_ms
    print(
        f"correspondence's own CPU bound: {capacity:.0f} letters/s per core, so 50,000 letters "
        f"{50000 / (2 * capacity) / 60:.1f} min on 2 cores and {50000 / (8 * capacity) / 60:.1f} "
        "min on 8 (with the database, broker, SMTP and documents on other cores)"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
