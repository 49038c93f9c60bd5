"""The error shapes every service and the gateway answer with, and how routes document them.

- A refusal (401, 403, 404, 409, 413, 415, 503, 504, and 422 for a request that is well formed
  but cannot be carried out) is `Problem`: `{"detail": "<sentence>"}`, Dutch where a person
  reads it.
- A request that does not match its schema is FastAPI's validation error, 422
  `ValidationProblems`: `{"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]}`.

So a 422 is one of the two (`Unprocessable`). `errors(401, 403, 404, 422)` gives a route's
`responses=` for the codes it can answer, each documented with the shape it has.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, RootModel


class Problem(BaseModel):
    """A refusal: why, in one sentence."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": "Uw rol raadpleger mag geen cases behandelen."}]}
    )

    detail: str


class ValidationProblem(BaseModel):
    """One field that does not match the schema (FastAPI adds `input` and `ctx`)."""

    loc: list[str | int] = Field(description="where: e.g. `body`, `to`; or `query`, `limit`")
    msg: str
    type: str


class ValidationProblems(BaseModel):
    """The request does not match its schema."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": [
                        {
                            "loc": ["body", "to"],
                            "msg": "Input should be 'received', 'invited', ...",
                            "type": "enum",
                        }
                    ]
                }
            ]
        }
    )

    detail: list[ValidationProblem]


class Unprocessable(RootModel[ValidationProblems | Problem]):
    """422: the request does not match its schema (a list), or it does but cannot be carried
    out as asked (a sentence)."""


_DESCRIPTIONS: Final[dict[int, str]] = {
    400: "The cursor is not valid, was tampered with, or belongs to another listing",
    401: "Not authenticated: credentials missing, invalid or expired",
    403: "Your role does not allow this (the sentence names the role)",
    404: "Not found, or outside your organisation (the same answer on purpose)",
    409: "The current state does not allow this",
    413: "The body is too large",
    415: "The file is not of an accepted type",
    422: "Not valid: a list of fields that do not match the schema, or a sentence why the "
    "request cannot be carried out",
    503: "A service behind this one is not reachable; try again later",
    504: "A service behind this one did not answer in time; try again later",
}


def errors(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries of the given error codes, each with its documented shape;
    `descriptions` (e.g. `e404="no such import"`) replace a code's generic description."""
    answers: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        description = descriptions.get(f"e{code}", _DESCRIPTIONS[code])
        model: type[BaseModel] = Unprocessable if code == 422 else Problem
        answers[code] = {"model": model, "description": description}
    return answers
