"""What documents the public API besides the services' own models (`contracts.api`): the
website's fixed application schema, and the errors every forwarded route can answer."""

from __future__ import annotations

import copy
from typing import Any

from contracts.api.common import errors
from contracts.gezondverzekerd import SCHEMA


def _inline_refs(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/"):
            return _inline_refs(definitions[reference.removeprefix("#/$defs/")], definitions)
        return {key: _inline_refs(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(value, definitions) for value in node]
    return node


def application_request_schema() -> dict[str, Any]:
    """The website's fixed JSON schema, self-contained so it can sit inside the OpenAPI."""
    schema = copy.deepcopy(SCHEMA)
    definitions = schema.pop("$defs", {})
    schema.pop("$schema", None)
    schema.pop("$id", None)
    inlined: dict[str, Any] = _inline_refs(schema, definitions)
    return inlined


def json_response(description: str, example: Any) -> dict[str, Any]:
    """A documented JSON answer with an example (for routes that pass a service's body on)."""
    return {"description": description, "content": {"application/json": {"example": example}}}


PROBLEMS: dict[int | str, dict[str, Any]] = errors(401, 503, 504)
"""What any forwarded route may answer besides its own: no valid API key, or the service
behind is not reachable or too slow."""
