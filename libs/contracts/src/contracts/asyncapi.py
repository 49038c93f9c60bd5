"""Generates the AsyncAPI 3 document of every event from the Pydantic models.

`python -m contracts.asyncapi > libs/contracts/asyncapi.json` (or `make asyncapi`) rewrites the
checked-in document; a test fails when the two disagree.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from contracts.base import Envelope, Event
from contracts.gezondverzekerd import EXCHANGE as WEBSITE_EXCHANGE
from contracts.gezondverzekerd import ROUTING_KEY as WEBSITE_ROUTING_KEY
from contracts.gezondverzekerd import SCHEMA as WEBSITE_SCHEMA
from contracts.registry import ALL_EVENTS

EVENTS_EXCHANGE = "backoffice.events"


def _message_name(event: type[Event]) -> str:
    return f"{event.__name__}V{event.version}"


def _envelope_schema(event: type[Event]) -> dict[str, Any]:
    schema = Envelope.model_json_schema()
    properties = schema["properties"]
    properties["event_type"] = {"const": event.event_type}
    properties["version"] = {"const": event.version}
    properties["producer"] = {"const": event.producer()}
    properties["data"] = event.model_json_schema(ref_template="#/$defs/{model}")
    nested = properties["data"].pop("$defs", {})
    if nested:
        schema.setdefault("$defs", {}).update(nested)
    return schema


def build_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document, deterministic for a given set of models."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event in sorted(ALL_EVENTS, key=lambda e: (e.event_type, e.version)):
        name = _message_name(event)
        channel_id = event.routing_key().replace(".", "_")
        messages[name] = {
            "name": event.event_type,
            "title": f"{event.event_type} v{event.version}",
            "summary": (event.__doc__ or "").strip().splitlines()[0],
            "contentType": "application/json",
            "headers": {"type": "object", "properties": {"version": {"const": event.version}}},
            "payload": _envelope_schema(event),
        }
        channel = channels.setdefault(
            channel_id,
            {
                "address": event.routing_key(),
                "messages": {},
                "bindings": {
                    "amqp": {
                        "is": "routingKey",
                        "exchange": {"name": EVENTS_EXCHANGE, "type": "topic", "durable": True},
                    }
                },
            },
        )
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        operations[f"publish{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{name}"}],
            "summary": f"Published by the {event.producer()} service through its outbox.",
        }
    channels["website_application_submitted"] = {
        "address": WEBSITE_ROUTING_KEY,
        "messages": {
            "ApplicationSubmittedV1": {"$ref": "#/components/messages/ApplicationSubmittedV1"}
        },
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {"name": WEBSITE_EXCHANGE, "type": "topic", "durable": True},
            }
        },
    }
    messages["ApplicationSubmittedV1"] = {
        "name": "application.submitted",
        "title": "GezondVerzekerd application submitted v1 (external, fixed)",
        "contentType": "application/json",
        "payload": WEBSITE_SCHEMA,
    }
    operations["receiveWebsiteApplication"] = {
        "action": "receive",
        "channel": {"$ref": "#/channels/website_application_submitted"},
        "summary": "Consumed by the intake service.",
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Gemeentepolis backoffice events",
            "version": "1.0.0",
            "description": "Domain events on the `backoffice.events` topic exchange. Every message "
            "is an envelope; routing key `<producer>.<entity>.<past-tense verb>`.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def render() -> str:
    return json.dumps(build_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
