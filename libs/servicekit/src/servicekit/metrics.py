"""Prometheus metrics that every service exposes at /metrics.

Labels stay bounded: queue names, event types, route templates, campaign kinds; never a case,
a person or a raw URL. The alert rules and the dashboard in `deploy/monitoring` use these names.
"""

from prometheus_client import Counter, Gauge, Histogram

# Events out and in.
OUTBOX_PUBLISHED = Counter(
    "outbox_published_total", "Events published from the outbox, by event type", ["event_type"]
)
OUTBOX_RELAY_FAILURES = Counter(
    "outbox_relay_failures_total", "Failed outbox relay attempts", ["service"]
)
EVENTS_RECEIVED = Counter(
    "bus_events_received_total",
    "Messages delivered to a consumer (redeliveries included), by queue and event type",
    ["queue", "event_type"],
)
MESSAGES_HANDLED = Counter(
    "bus_messages_handled_total", "Messages consumed, by queue and outcome", ["queue", "outcome"]
)
BATCH_SECONDS = Histogram("bus_batch_seconds", "Time to handle one batch of messages", ["queue"])

# Consumer prefetch: how many delivered messages this process holds unsettled, of how many.
CONSUMER_UNACKED = Gauge(
    "bus_consumer_unacked_messages",
    "Messages delivered to this consumer and not yet acked (prefetch in use)",
    ["queue"],
)
CONSUMER_PREFETCH = Gauge(
    "bus_consumer_prefetch_limit", "The prefetch count of this consumer's channel", ["queue"]
)
CONSUMER_RUNNING = Gauge(
    "bus_consumer_running", "1 while this process's consumer of the queue is running", ["queue"]
)

# Read from the database and the broker when Prometheus scrapes (servicekit.gauges).
OUTBOX_LAG = Gauge(
    "outbox_oldest_unsent_age_seconds",
    "Age of the oldest event in the outbox not yet published (0 when none)",
    ["service"],
)
OUTBOX_UNSENT = Gauge(
    "outbox_unsent_events",
    "Events in the outbox not yet published (counted up to 100000)",
    ["service"],
)
INBOX_SIZE = Gauge(
    "inbox_messages",
    "Handled message ids kept for deduplication (estimated once past 100000)",
    ["service"],
)
QUEUE_MESSAGES = Gauge(
    "bus_queue_messages", "Messages ready in a queue of this service, per the broker", ["queue"]
)
QUEUE_CONSUMERS = Gauge(
    "bus_queue_consumers",
    "Consumers attached to a queue of this service (all replicas), per the broker",
    ["queue"],
)
PARKED_MESSAGES = Gauge(
    "bus_parked_messages", "Messages waiting in this service's parking queue", ["queue"]
)
GAUGES_STALE = Gauge(
    "servicekit_scrape_gauges_failed",
    "1 when the last reading of the database or broker gauges failed",
    ["service", "source"],
)

# HTTP: latency by route template (never the raw path), method and status class; `service`
# names the answering service whatever labels the scrape configuration adds.
REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request, until its last byte is handed on (streams included)",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# Domain throughput.
CAMPAIGN_LETTERS = Counter(
    "campaign_letters_sent_total", "Letters sent by correspondence campaigns, by kind", ["kind"]
)
