"""Prometheus metrics that every service exposes at /metrics."""

from prometheus_client import Counter, Histogram

OUTBOX_PUBLISHED = Counter("outbox_published_total", "Events published from the outbox")
OUTBOX_RELAY_FAILURES = Counter("outbox_relay_failures_total", "Failed outbox relay attempts")
MESSAGES_HANDLED = Counter(
    "bus_messages_handled_total", "Messages consumed, by queue and outcome", ["queue", "outcome"]
)
BATCH_SECONDS = Histogram("bus_batch_seconds", "Time to handle one batch of messages", ["queue"])
