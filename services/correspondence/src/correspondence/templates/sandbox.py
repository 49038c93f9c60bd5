"""Templates that municipalities write: `$VELD$` fields and Jinja2 blocks, in the sandbox.

Checked on save (size, balanced blocks, known fields only, no attribute tricks, no huge
numbers, only a few harmless filters) and limited on every render (time and output size),
so neither a mistake nor malice can hang a replica or leak what the sandbox protects.
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from correspondence.templates.fields import FIELD_NAMES

FIELD = re.compile(r"\$([A-Za-z][A-Za-z0-9_]*)\$")
MAX_CONSTANT = 1000
ALLOWED_FILTERS = frozenset(
    {"upper", "lower", "title", "capitalize", "trim", "length", "count", "default", "d",
     "first", "last", "join", "e", "escape", "striptags", "replace"}
)  # fmt: skip
LOOP_VARIABLES = frozenset({"loop", "item", "reden", "stuk", "regel"})


class TemplateProblem(ValueError):  # noqa: N818 - a problem the user fixes, shown in Dutch
    """Why a template cannot be saved or rendered, in Dutch, for the person who wrote it."""


@dataclass
class _Budget:
    deadline: float
    steps: int = 0

    def spend(self) -> None:
        self.steps += 1
        if self.steps % 64 == 0 and time.monotonic() > self.deadline:
            raise TemplateProblem(
                "Het sjabloon doet er te lang over (een lus die te vaak herhaalt?)"
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("budget", default=None)


def _spend() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend()


def _bounded_range(*args: int) -> Iterator[int]:
    for value in range(*args):
        _spend()
        yield value


class _Environment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spend()
        if operator == "**" or (operator == "*" and any(isinstance(v, str) for v in (left, right))):
            raise SecurityError("vermenigvuldigen van tekst of machtsverheffen")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _spend()
        return super().call(__context, __obj, *args, **kwargs)


def _environment() -> _Environment:
    environment = _Environment(autoescape=True, undefined=StrictUndefined)
    environment.filters = {
        name: f for name, f in environment.filters.items() if name in ALLOWED_FILTERS
    }
    environment.globals = {"range": _bounded_range}
    environment.tests = {
        name: t for name, t in environment.tests.items() if name in {"defined", "none", "string"}
    }
    return environment


ENVIRONMENT = _environment()


def fields_in(source: str) -> set[str]:
    return {match.group(1) for match in FIELD.finditer(source)}


def unknown_fields(names: set[str]) -> list[str]:
    return sorted(name for name in names if name not in FIELD_NAMES)


def refuse_unknown(names: set[str]) -> None:
    unknown = unknown_fields(names)
    if unknown:
        listed = ", ".join(f"${name}$" for name in unknown)
        raise TemplateProblem(
            f"Onbekend samenvoegveld: {listed}. Zie de lijst met velden voor de juiste namen."
        )


def to_jinja(source: str) -> str:
    return FIELD.sub(lambda match: "{{ " + match.group(1) + " }}", source)


def check(source: str, *, max_bytes: int) -> set[str]:
    """Refuse a template that cannot be saved; returns the fields it uses."""
    size = len(source.encode())
    if size > max_bytes:
        raise TemplateProblem(
            f"Het sjabloon is te groot ({size // 1024} KB); de grens is {max_bytes // 1024} KB."
        )
    used = fields_in(source)
    refuse_unknown(used)
    try:
        tree = ENVIRONMENT.parse(to_jinja(source))
    except TemplateSyntaxError as error:
        raise TemplateProblem(
            f"Fout in de opbouw van het sjabloon op regel {error.lineno}: {_dutch(error)}"
        ) from None
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attribute = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attribute = str(node.arg.value)
        if attribute is None or attribute.startswith("_"):
            raise TemplateProblem(
                "Het sjabloon probeert iets op te vragen dat niet is toegestaan "
                f"(regel {node.lineno}). Gebruik alleen de samenvoegvelden."
            )
    for constant in tree.find_all(nodes.Const):
        value = constant.value
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and abs(value) > MAX_CONSTANT
        ):
            raise TemplateProblem(
                f"Getal {value} op regel {constant.lineno} is te groot (hoogstens {MAX_CONSTANT})."
            )
    for node in tree.find_all(nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            raise TemplateProblem(
                f"Het filter '{node.name}' is niet toegestaan (regel {node.lineno})."
            )
    names = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load"}
    assigned = {node.name for node in tree.find_all(nodes.Name) if node.ctx in {"store", "param"}}
    unknown = sorted(names - FIELD_NAMES - assigned - LOOP_VARIABLES - {"range"})
    if unknown:
        raise TemplateProblem(f"Onbekend veld in het sjabloon: {', '.join(unknown)}.")
    return used


def _dutch(error: TemplateSyntaxError) -> str:
    message = error.message or ""
    if "Unexpected end of template" in message or "unclosed" in message.lower():
        return "een blok ({% if %} of {% for %}) is niet afgesloten"
    if "Encountered unknown tag" in message:
        return "een blok wordt afgesloten dat niet geopend is, of een onbekend blok"
    return "de tekens {{ }} of {% %} staan niet goed"


_COMPILED: dict[str, Any] = {}


def render(source: str, values: dict[str, Any], *, max_seconds: float, max_bytes: int) -> str:
    """Render in the sandbox within the time and size limits; the problem in Dutch if not."""
    template = _COMPILED.get(source)
    if template is None:
        try:
            template = ENVIRONMENT.from_string(to_jinja(source))
        except TemplateSyntaxError as error:
            raise TemplateProblem(f"Fout in het sjabloon: {_dutch(error)}") from None
        if len(_COMPILED) > 512:
            _COMPILED.clear()
        _COMPILED[source] = template
    token = _BUDGET.set(_Budget(deadline=time.monotonic() + max_seconds))
    try:
        out: list[str] = []
        size = 0
        for chunk in template.generate(**values):
            size += len(chunk)
            if size > max_bytes:
                raise TemplateProblem("De uitkomst van het sjabloon is te groot.")
            _spend()
            out.append(chunk)
        return "".join(out)
    except SecurityError:
        raise TemplateProblem(
            "Het sjabloon probeert iets te doen dat niet is toegestaan. Gebruik alleen de "
            "samenvoegvelden en eenvoudige voorwaarden."
        ) from None
    except UndefinedError as error:
        raise TemplateProblem(f"Onbekend veld in het sjabloon ({error.message}).") from None
    except (TemplateError, TypeError, ValueError, OverflowError, RecursionError) as error:
        if isinstance(error, TemplateProblem):
            raise
        raise TemplateProblem(
            f"Het sjabloon kan niet worden gevuld ({type(error).__name__})."
        ) from None
    finally:
        _BUDGET.reset(token)
