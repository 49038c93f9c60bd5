"""The external GezondVerzekerd contract `application.submitted` v1, fixed by the website."""

from contracts.gezondverzekerd.contract import (
    EXCHANGE,
    ROUTING_KEY,
    SCHEMA,
    ApplicationSubmitted,
    SubmittedApplication,
    example_bodies,
)

__all__ = [
    "EXCHANGE",
    "ROUTING_KEY",
    "SCHEMA",
    "ApplicationSubmitted",
    "SubmittedApplication",
    "example_bodies",
]
