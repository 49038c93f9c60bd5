"""The website's JSON, parsed strictly: what Python's json accepts but intake must not.

Python's json lets the last of two equal keys win, nests until the interpreter's recursion
limit, raises a plain ValueError for an integer past int-max-str-digits, and accepts `\\u0000`
and unpaired surrogates (`\\ud800`) in strings, which PostgreSQL refuses later: in the jsonb of
an accepted message, or in a reason that names a key. Each becomes a specific rejection here.

On the hot path a valid message costs one hook call per object and per integer; the walk over
the parsed document runs only when its text could hide such a string or such depth.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
"""The contract nests five levels deep."""
MAX_INTEGER_DIGITS = 100

_SAFE_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_FORBIDDEN = "contains a NUL character or an unpaired surrogate"


class RefusedJsonError(Exception):
    """The body is not JSON that intake accepts; `code` and `reason` say why."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key


class _NumberTooLongError(Exception):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return document


def _integer(text: str) -> int:
    # Bounded here rather than by int-max-str-digits, which a deployment may switch off.
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _NumberTooLongError
    return int(text)


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_int=_integer)


def parse(text: str) -> Any:
    """The document, or RefusedJsonError; then see `problem`."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise RefusedJsonError(
            "malformed_json", f"malformed JSON: {error.msg} at line {error.lineno}"
        ) from None
    except _DuplicateKeyError as error:
        shown = f'"{error.key}"' if _SAFE_KEY.fullmatch(error.key) else "(not shown)"
        raise RefusedJsonError(
            "duplicate_key", f"duplicate key {shown}: a key may appear once in an object"
        ) from None
    except RecursionError:
        raise RefusedJsonError("too_deeply_nested", _too_deep()) from None
    except (_NumberTooLongError, ValueError):
        raise RefusedJsonError(
            "number_too_long", f"a number has more than {MAX_INTEGER_DIGITS} digits"
        ) from None


def problem(document: Any, text: str) -> tuple[str, str] | None:
    """(code, reason) for a parsed document nested too deep or holding a forbidden character.

    Only `\\u` escapes give a parsed string NUL or a surrogate (raw NUL is invalid JSON, raw
    surrogates invalid UTF-8); and nesting cannot exceed the number of brackets.
    """
    if text.count("{") + text.count("[") <= MAX_DEPTH and "\\u" not in text:
        return None
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _forbidden(value):
                return "forbidden_character", f"{_path(path)}: {_FORBIDDEN}"
            continue
        if isinstance(value, dict):
            items: Any = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        if len(path) >= MAX_DEPTH:
            return "too_deeply_nested", _too_deep()
        for key, item in items:
            if isinstance(key, str) and _forbidden(key):
                return "forbidden_character", f"{_path(path)}: a key {_FORBIDDEN}"
            stack.append((item, (*path, key)))
    return None


def _forbidden(text: str) -> bool:
    return "\x00" in text or (not text.isascii() and _SURROGATE.search(text) is not None)


def _path(parts: tuple[str | int, ...]) -> str:
    shown = (
        p if isinstance(p, int) or _SAFE_KEY.fullmatch(p) else "(key not shown)" for p in parts
    )
    return ".".join(str(part) for part in shown) or "(message)"


def _too_deep() -> str:
    return f"the message is nested more than {MAX_DEPTH} levels deep"
