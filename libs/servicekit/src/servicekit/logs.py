"""structlog JSON logging with a correlation id bound per request or message."""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

_configured = False


def configure_logging(*, service: str, level: str = "INFO") -> None:
    """Route structlog and stdlib logging to one stream: JSON, or colours on a terminal."""
    global _configured  # noqa: PLW0603 - logging is process-wide by nature
    renderer: structlog.types.Processor = (
        structlog.dev.ConsoleRenderer()
        if sys.stderr.isatty()
        else structlog.processors.JSONRenderer()
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    if not _configured:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                processors=[
                    *shared[1:],
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    renderer,
                ]
            )
        )
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(level)
        # Access logs carry full URLs (query strings may hold a BSN filter): keep them out.
        logging.getLogger("uvicorn.access").disabled = True
        logging.getLogger("httpx").setLevel(logging.WARNING)
        _configured = True
    structlog.contextvars.bind_contextvars(service=service)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def correlation(correlation_id: str) -> Iterator[None]:
    """Bind the correlation id to every log line written inside the block."""
    with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
        yield
