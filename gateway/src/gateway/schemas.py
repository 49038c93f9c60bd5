"""What documents the public API besides the services' own models (`contracts.api`): JSON
examples, and the errors every forwarded route can answer (the website's application schema is
`gateway.applications.schemas`)."""

from __future__ import annotations

from typing import Any

from contracts.api.common import errors


def json_response(description: str, example: Any) -> dict[str, Any]:
    """A documented JSON answer with an example (for routes that pass a service's body on)."""
    return {"description": description, "content": {"application/json": {"example": example}}}


PROBLEMS: dict[int | str, dict[str, Any]] = errors(401, 503, 504)
"""What any forwarded route may answer besides its own: no valid API key, or the service
behind is not reachable or too slow."""
