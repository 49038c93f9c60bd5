"""The website's fixed application schema, for the OpenAPI of `POST /api/v1/intake/applications`."""

from __future__ import annotations

import copy
from typing import Any

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
