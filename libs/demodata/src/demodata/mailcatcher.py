"""A mail catcher for `make up` and the tests: a real SMTP server (aiosmtpd) that keeps what
it receives, with a small HTTP listing (`GET /messages?case_id=...`, `GET /messages/<n>`).

Tests use the same class in-process: `received()`, `by_message_id()`, a recipient pattern it
refuses with 550 (a bouncing address), and a hook that sees each message before it is accepted.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class Received:
    number: int
    helo: str
    mail_from: str
    recipients: tuple[str, ...]
    raw: bytes
    received_at: float

    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message().get("Message-ID", ""))

    def summary(self) -> dict[str, Any]:
        message = self.message()
        parts = [part.get_content_type() for part in message.walk() if not part.is_multipart()]
        return {
            "number": self.number,
            "message_id": str(message.get("Message-ID", "")),
            "letter_id": str(message.get("X-Letter-ID", "")),
            "case_id": str(message.get("X-Case-ID", "")),
            "from": str(message.get("From", "")),
            "to": list(self.recipients),
            "subject": str(message.get("Subject", "")),
            "parts": parts,
            "received_at": self.received_at,
        }


Hook = Callable[[Envelope, Session], str | None]
"""Called before a message is accepted; a returned SMTP reply (e.g. "451 ...") refuses it."""


@dataclass
class _Handler:
    catcher: MailCatcher

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.catcher.refuse and re.search(self.catcher.refuse, address):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.catcher.hook is not None:
            reply = self.catcher.hook(envelope, session)
            if reply is not None:
                return reply
        self.catcher.keep(envelope, session)
        return "250 Message accepted for delivery"


@dataclass
class MailCatcher:
    host: str = "127.0.0.1"
    port: int = 8025
    refuse: str | None = None
    hook: Hook | None = None
    store: Path | None = None
    messages: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    def keep(self, envelope: Envelope, session: Session) -> None:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode()
        with self._lock:
            item = Received(
                number=len(self.messages) + 1,
                helo=str(session.host_name or ""),
                mail_from=str(envelope.mail_from or ""),
                recipients=tuple(envelope.rcpt_tos),
                raw=data,
                received_at=time.time(),
            )
            self.messages.append(item)
        if self.store is not None:
            self.store.mkdir(parents=True, exist_ok=True)
            (self.store / f"{item.number:07d}.eml").write_bytes(data)

    def start(self) -> MailCatcher:
        self._controller = Controller(
            _Handler(self), hostname=self.host, port=self.port, data_size_limit=20 * 1024 * 1024
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.messages)

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def by_message_id(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.received():
            counts[item.message_id] = counts.get(item.message_id, 0) + 1
        return counts

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


def listing_server(catcher: MailCatcher, *, host: str, port: int) -> ThreadingHTTPServer:
    """`GET /messages` (optionally `?case_id=`), `GET /messages/<n>` (the raw .eml)."""

    class Listing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            items = catcher.received()
            if parts.path == "/messages":
                wanted = parse_qs(parts.query).get("case_id", [None])[0]
                summaries = [item.summary() for item in items]  # each parses its message
                body = json.dumps(
                    [one for one in summaries if wanted is None or one["case_id"] == wanted]
                ).encode()
                self._answer(200, "application/json", body)
                return
            match = re.fullmatch(r"/messages/(\d+)", parts.path)
            if match and 0 < int(match.group(1)) <= len(items):
                self._answer(200, "message/rfc822", items[int(match.group(1)) - 1].raw)
                return
            self._answer(404, "text/plain", b"not found")

        def _answer(self, code: int, content_type: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return ThreadingHTTPServer((host, port), Listing)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demodata.mailcatcher")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--http-port", type=int, default=8026)
    parser.add_argument("--store", type=Path, default=None, help="also write each message as .eml")
    parser.add_argument("--refuse", default=None, help="regex of recipients refused with 550")
    arguments = parser.parse_args()
    catcher = MailCatcher(
        host=arguments.host,
        port=arguments.smtp_port,
        refuse=arguments.refuse,
        store=arguments.store,
    ).start()
    server = listing_server(catcher, host=arguments.host, port=arguments.http_port)
    try:
        server.serve_forever()  # the SMTP side runs in aiosmtpd's own thread
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        catcher.stop()


if __name__ == "__main__":
    main()
