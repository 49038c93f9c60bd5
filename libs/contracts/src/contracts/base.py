"""The event envelope and the base class of every event that crosses a service boundary."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue, create_model


class Event(BaseModel):
    """The typed payload of one event; subclasses name the type and the version.

    Consumers ignore fields they do not know, so a producer may add optional fields within a
    version. A breaking change is a new class with the next version, published beside the old one.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    version: ClassVar[int]

    @classmethod
    def producer(cls) -> str:
        return cls.event_type.split(".", 1)[0]

    @classmethod
    def routing_key(cls) -> str:
        """`<producer>.<entity>.<past-tense verb>`, versionless so a new version can share it."""
        return cls.event_type


class EnvelopeHeader(BaseModel):
    """The envelope's metadata: what a handler needs besides the typed event."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: uuid.UUID
    event_type: str = Field(pattern=r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    producer: str
    correlation_id: str
    causation_id: uuid.UUID | None = None


class Envelope(EnvelopeHeader):
    """What travels on the bus: metadata plus the event's data."""

    data: dict[str, JsonValue]

    @classmethod
    def wrap(
        cls,
        event: Event,
        *,
        correlation_id: str,
        causation_id: uuid.UUID | None = None,
        event_id: uuid.UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        """Put an event in a new envelope. The event is a validated model of ours, so the
        envelope is built without validating its data again (recursively, as JSON values:
        the costliest step of publishing)."""
        return cls.model_construct(
            event_id=event_id or uuid.uuid4(),
            event_type=event.event_type,
            version=event.version,
            occurred_at=occurred_at or datetime.now(UTC),
            producer=event.producer(),
            correlation_id=correlation_id,
            causation_id=causation_id,
            data=event.model_dump(mode="json"),
        )


class _TypedEnvelope(EnvelopeHeader):
    data: Event


class UnknownEventError(LookupError):
    """An envelope names an event type or version that this registry does not know."""


class EventRegistry:
    """Maps (event_type, version) to the model that parses its data."""

    def __init__(self, events: tuple[type[Event], ...]) -> None:
        self._by_key: dict[tuple[str, int], type[Event]] = {}
        self._typed: dict[tuple[str | None, int | None], type[_TypedEnvelope]] = {}
        for event in events:
            key = (event.event_type, event.version)
            if key in self._by_key:
                raise ValueError(f"event {key} registered twice")
            self._by_key[key] = event
            self._typed[key] = create_model(
                f"{event.__name__}V{event.version}Envelope",
                __base__=_TypedEnvelope,
                data=(event, ...),
            )

    def __iter__(self) -> Any:
        return iter(self._by_key.values())

    def model_for(self, event_type: str, version: int) -> type[Event]:
        try:
            return self._by_key[(event_type, version)]
        except KeyError:
            raise UnknownEventError(f"unknown event {event_type} version {version}") from None

    def open(self, envelope: Envelope) -> Event:
        """Parse the envelope's data into its typed event (raises pydantic.ValidationError)."""
        return self.model_for(envelope.event_type, envelope.version).model_validate(envelope.data)

    def parse(
        self, body: bytes, *, event_type: str | None = None, version: int | None = None
    ) -> tuple[EnvelopeHeader, Event]:
        """Parse a message body into its envelope and typed event.

        With the type and version that the message properties announce, the JSON is parsed
        once, straight into the typed event; the announcement is checked against the body.
        """
        typed = self._typed.get((event_type, version)) if event_type and version else None
        if typed is not None:
            parsed = typed.model_validate_json(body)
            if (parsed.event_type, parsed.version) == (event_type, version):
                return parsed, parsed.data
        envelope = Envelope.model_validate_json(body)
        return envelope, self.open(envelope)
