"""Correspondence throughput: letters rendered to PDF and e-mailed, 1 vs 2 processes.

    uv run python bench/correspondence.py [-n 2000]

In one run: N invitation letters (one page, PDF/A attached to an e-mail) through the real
pipeline (events in, the letters queue, Typst batch rendering, SMTP to a local aiosmtpd) with
1 and with 2 correspondence processes; a naive baseline in this process (a fresh WeasyPrint
`HTML(string=...).write_pdf()` per letter); the rendering alternatives measured for the README's
choice; Word letters per second through the kept-running LibreOffice; e-mails per second alone;
and the projected time of a 50,000-letter campaign on 2 and on 8 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# This script is named after the package it measures: keep its folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import weasyprint
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
from demodata.system import LocalSystem, free_port
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


class DocumentsStub:
    """The documents service's two internal calls the letters make (upload link, archive),
    answered at once: the pipeline makes its real calls, the bench does not measure the
    documents service (its S3, its database) on the same two cores."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
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

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def publish(bus: Bus, events: list[Event]) -> None:
    for start in range(0, len(events), 500):
        await asyncio.gather(
            *(
                bus.publish_envelope(e.routing_key(), Envelope.wrap(e, correlation_id="bench"))
                for e in events[start : start + 500]
            )
        )


async def pipeline(n: int, processes: int, postgres: str, amqp: str) -> float:
    """Invitation letters/s: from the first data session event until the last e-mail arrived."""
    documents = DocumentsStub()
    system = LocalSystem(
        postgres_server_url=postgres,
        amqp_url=amqp,
        logs=ROOT / "artifacts" / "bench-correspondence",
        extra_env={
            "CORRESPONDENCE_RENDER_BATCH_SIZE": "100",
            "CORRESPONDENCE_LETTERS_PREFETCH": "200",
            "CORRESPONDENCE_DOCUMENTS_URL": documents.url,
            "BACKOFFICE_LOG_LEVEL": "WARNING",
        },
    )
    catcher = system.start_mail()
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
        started = time.perf_counter()
        await publish(bus, list(sessions))
        while catcher.count() < 2 * n:
            await asyncio.sleep(0.05)
        return n / (time.perf_counter() - started)
    finally:
        await bus.close()
        system.stop_all()
        documents.stop()
        from servicekit.db import drop_database

        await drop_database(system.database_url("correspondence"))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    arguments = parser.parse_args()
    postgres = os.environ.get(
        "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    amqp = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
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
    one = await pipeline(arguments.n, 1, postgres, amqp)
    two = await pipeline(arguments.n, 2, postgres, amqp)
    print(
        f"pipeline, {arguments.n} invitation letters (PDF/A + e-mail): 1 process {one:.1f}/s, 2 processes {two:.1f}/s, ratio {two / one:.2f}x"
    )
    print(f"naive baseline {naive:.1f} letters/s: one process is {one / naive:.1f}x the baseline")
    per_core = two / 2
    print(
        f"50,000-letter campaign: 2 cores {50000 / two / 60:.1f} min; 8 cores about {50000 / (per_core * 8 * min(1.0, two / one / 2)) / 60:.1f} min (linear from the 2-process efficiency)"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
