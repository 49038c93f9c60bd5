"""Models and examples that document the public API (responses are passed through as is)."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts.gezondverzekerd import SCHEMA


class Problem(BaseModel):
    detail: str = Field(examples=["API-sleutel ontbreekt, is ongeldig of ingetrokken"])


class Counts(BaseModel):
    applications: int = Field(description="number of cases (applications or re-examinations)")
    adults: int = Field(description="applicants plus partners")
    persons: int = Field(description="adults plus children")


class CategoryCounts(Counts):
    category: str = Field(description="status category, e.g. `received` or `advice_ready`")


class Overview(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "categories": [
                        {"category": "received", "applications": 12, "adults": 17, "persons": 31},
                        {"category": "advice_ready", "applications": 4, "adults": 5, "persons": 9},
                    ],
                    "total": {"applications": 16, "adults": 22, "persons": 40},
                }
            ]
        }
    )

    categories: list[CategoryCounts]
    total: Counts


class Page(BaseModel):
    """One page of a list; pass `next_cursor` as `cursor` for the next page."""

    items: list[dict[str, Any]]
    next_cursor: str | None = None


CASE_EXAMPLE: dict[str, Any] = {
    "id": "0f8e2a4c-9d6b-4c1e-8a53-2b7d9e4f1a60",
    "kind": "application",
    "application_number": "GV-2025-000123",
    "municipality_code": "0363",
    "status": "received",
    "adults": 2,
    "persons": 4,
    "submitted_at": "2025-01-06T09:12:44Z",
}

QUARANTINE_EXAMPLE: dict[str, Any] = {
    "id": "7c1d3b9e-4f2a-4e8b-9a61-3d5c8e2f7b14",
    "reason": "municipality 9999 is not a customer",
    "received_at": "2025-01-06T09:12:44Z",
}


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
    return {"description": description, "content": {"application/json": {"example": example}}}


PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "API key missing, invalid or revoked"},
    503: {"model": Problem, "description": "the backend service is not reachable"},
    504: {"model": Problem, "description": "the backend service did not answer in time"},
}
