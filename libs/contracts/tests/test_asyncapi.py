"""The checked-in AsyncAPI document and the JSON schema of every event match the models.

After a deliberate contract change: `make asyncapi`, and
`UPDATE_SCHEMA_SNAPSHOTS=1 uv run pytest libs/contracts` to rewrite the schema snapshots.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from contracts import asyncapi
from contracts.base import Event
from contracts.registry import ALL_EVENTS

DOCUMENT = Path(__file__).resolve().parents[1] / "asyncapi.json"
SNAPSHOTS = Path(__file__).resolve().parent / "schemas"
EVENTS = sorted(ALL_EVENTS, key=lambda e: (e.event_type, e.version))


def test_the_checked_in_asyncapi_document_is_current() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == asyncapi.render(), (
        "libs/contracts/asyncapi.json is stale: run `make asyncapi`"
    )


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.event_type}.v{e.version}")
def test_the_json_schema_of_each_event_is_unchanged(event: type[Event]) -> None:
    snapshot = SNAPSHOTS / f"{event.event_type}.v{event.version}.json"
    schema = json.dumps(event.model_json_schema(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SCHEMA_SNAPSHOTS") == "1":
        snapshot.write_text(schema, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot for {event.event_type} v{event.version}"
    assert snapshot.read_text(encoding="utf-8") == schema, (
        f"the schema of {event.event_type} v{event.version} changed: a breaking change needs "
        "a new version; an additive one a new snapshot (UPDATE_SCHEMA_SNAPSHOTS=1)"
    )
