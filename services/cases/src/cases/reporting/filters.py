"""The filters of the case list and its exports: parsed once from the query string.

`GET /cases`, `GET /cases/export.csv` and `GET /cases/export.xlsx` take the same filters; the
dependency `ListFilters` parses them (wrong types are 422 with FastAPI's message) and resolves
what depends on the caller (`assigned_to=me`, the municipality scope, checked → 404).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Query, status
from pydantic import StringConstraints

from cases.statuses import CaseKind, CaseStatus
from contracts.vocabulary import DeadlineFilter, WorkItem
from servicekit.auth import CurrentPrincipal, Principal
from servicekit.cursors import InvalidCursorError, decode_cursor, encode_cursor

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
"""Dates in filters are calendar days in the Netherlands."""

MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
Bsn = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]
_POSTAL_CODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")


class Sort(StrEnum):
    SUBMITTED = "submitted_at"
    SUBMITTED_DESC = "-submitted_at"
    CHANGED = "status_changed_at"
    CHANGED_DESC = "-status_changed_at"
    NUMBER = "application_number"


QueryKind = Literal["name", "postal_code", "application_number", "number_part"]


@dataclass(frozen=True)
class TextQuery:
    """What `q` was taken for: a partial name, a postal code, an exact application number, or
    the end of one (digits without letters: "308" or "0000308" finds GV-2026-0000308)."""

    kind: QueryKind
    value: str
    words: tuple[str, ...] = ()


def parse_text_query(raw: str) -> TextQuery | None:
    """A postal code (with or without space), else a number (has digits; without letters the
    end of a number), else name words."""
    text = raw.strip()
    if not text:
        return None
    postal = _POSTAL_CODE.match(text)
    if postal:
        return TextQuery("postal_code", (postal.group(1) + postal.group(2)).upper())
    if any(character.isdigit() for character in text):
        if not any(character.isalpha() for character in text):
            return TextQuery("number_part", text)
        return TextQuery("application_number", text)
    return TextQuery("name", text, tuple(text.split()))


@dataclass(frozen=True)
class CaseFilter:
    """Every filter of the list, resolved for one caller; `scope` None means all municipalities."""

    scope: tuple[str, ...] | None
    q: TextQuery | None = None
    bsn: str | None = None
    statuses: tuple[str, ...] = ()
    kind: str | None = None
    advice: str | None = None
    campaign: str | None = None
    on_hold: bool | None = None
    assigned_to: str | None = None
    unassigned: bool = False
    submitted_from: datetime | None = None
    submitted_before: datetime | None = None
    changed_from: datetime | None = None
    changed_before: datetime | None = None
    deadline: DeadlineFilter | None = None
    worklist: WorkItem | None = None
    sort: Sort = Sort.SUBMITTED_DESC

    def fingerprint(self, *, secret: str) -> str:
        """A keyed digest of the filter, so a cursor only continues the listing it came from
        (keyed: the filter may hold a BSN, which a plain hash would let anyone guess back)."""
        canonical = json.dumps(asdict(self), sort_keys=True, default=str, separators=(",", ":"))
        return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()[:24]

    def described(self) -> dict[str, Any]:
        """The filter for the access log: which filters were used, no personal data."""
        described: dict[str, Any] = {"sort": self.sort.value}
        if self.scope is not None:
            described["municipalities"] = list(self.scope)
        if self.q is not None:
            described["q"] = self.q.kind
        if self.bsn is not None:
            described["bsn"] = True
        for name in (
            "kind",
            "advice",
            "campaign",
            "on_hold",
            "assigned_to",
            "deadline",
            "worklist",
        ):
            if getattr(self, name) is not None:
                described[name] = getattr(self, name)
        if self.statuses:
            described["status"] = list(self.statuses)
        if self.unassigned:
            described["assigned_to"] = None
        for name in ("submitted_from", "submitted_before", "changed_from", "changed_before"):
            if getattr(self, name) is not None:
                described[name] = getattr(self, name).isoformat()
        return described


def day_start(day: date | None) -> datetime | None:
    """The first moment of a Dutch calendar day, in UTC."""
    if day is None:
        return None
    return datetime.combine(day, time(), tzinfo=LOCAL_TIME).astimezone(UTC)


def day_end(day: date | None) -> datetime | None:
    """The first moment after a Dutch calendar day (an exclusive bound), in UTC."""
    return day_start(day + timedelta(days=1)) if day is not None else None


def requested_scope(principal: Principal, requested: list[str] | None) -> tuple[str, ...] | None:
    """The requested municipalities (each must be visible, else 404 as if missing), or,
    without a request, every municipality the caller may see (None: all, for platform users)."""
    if requested:
        if not all(principal.may_see(code) for code in requested):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "municipality not found")
        return tuple(dict.fromkeys(requested))
    return None if principal.all_municipalities else principal.municipalities


def _check_range(name: str, start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"{name}_to lies before {name}_from"
        )


Choice = TypeVar("Choice", bound=StrEnum)


def choice(name: str, raw: str | None, allowed: type[Choice]) -> Choice | None:
    """A query parameter that takes one of fixed values; anything else is 422 with a Dutch
    message that names the values (the screens show it as it is)."""
    if raw is None:
        return None
    try:
        return allowed(raw)
    except ValueError:
        values = ", ".join(str(value) for value in allowed)
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"Onbekende waarde voor {name}: kies uit {values}.",
        ) from None


def _list_filters(
    principal: CurrentPrincipal,
    municipality: Annotated[
        list[MunicipalityCode] | None,
        Query(description="Only these municipalities (CBS codes); default: all in scope"),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description=(
                "A partial name (accent- and case-insensitive, every word must match one "
                "person), a postal code (`1016 GV` or `1016gv`), or an exact application number"
            ),
        ),
    ] = None,
    bsn: Annotated[Bsn | None, Query(description="Exact BSN of any household member")] = None,
    status_: Annotated[
        list[CaseStatus] | None, Query(alias="status", description="Repeat for several")
    ] = None,
    kind: Annotated[CaseKind | None, Query()] = None,
    advice: Annotated[
        str | None, Query(pattern=r"^[a-z_]{1,20}$", description="The computed advice")
    ] = None,
    campaign: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    on_hold: Annotated[
        bool | None, Query(description="Only cases on hold, or none of them")
    ] = None,
    assigned_to: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="`me`, `none` (the unassigned queue), or a user's subject",
        ),
    ] = None,
    submitted_from: Annotated[date | None, Query(description="First day, inclusive")] = None,
    submitted_to: Annotated[date | None, Query(description="Last day, inclusive")] = None,
    changed_from: Annotated[date | None, Query(description="Status changed on or after")] = None,
    changed_to: Annotated[date | None, Query(description="Status changed on or before")] = None,
    deadline: Annotated[
        str | None,
        Query(
            max_length=50,
            description="The decision term (Awb 4:13) of undecided cases: `within_7_days` "
            "(due today or in the next seven days) or `passed`",
        ),
    ] = None,
    worklist: Annotated[
        str | None,
        Query(
            max_length=50,
            description="Exactly the cases a count of `GET /worklist` counts: "
            + ", ".join(f"`{item}`" for item in WorkItem),
        ),
    ] = None,
    sort: Annotated[Sort, Query(description="Default `-submitted_at` (newest first)")] = (
        Sort.SUBMITTED_DESC
    ),
) -> CaseFilter:
    _check_range("submitted", submitted_from, submitted_to)
    _check_range("changed", changed_from, changed_to)
    return CaseFilter(
        scope=requested_scope(principal, municipality),
        q=parse_text_query(q) if q is not None else None,
        bsn=bsn,
        statuses=tuple(sorted({s.value for s in status_ or ()})),
        kind=kind.value if kind else None,
        advice=advice,
        campaign=campaign,
        on_hold=on_hold,
        assigned_to=principal.subject
        if assigned_to == "me"
        else (None if assigned_to == "none" else assigned_to),
        unassigned=assigned_to == "none",
        submitted_from=day_start(submitted_from),
        submitted_before=day_end(submitted_to),
        changed_from=day_start(changed_from),
        changed_before=day_end(changed_to),
        deadline=choice("deadline", deadline, DeadlineFilter),
        worklist=choice("worklist", worklist, WorkItem),
        sort=sort,
    )


ListFilters = Annotated[CaseFilter, Depends(_list_filters)]


def encode_key(case_filter: CaseFilter, key: tuple[Any, Any], *, secret: str) -> str:
    """The cursor of the page after `key`, bound to this filter and sort order."""
    value = key[0].isoformat() if isinstance(key[0], datetime) else str(key[0])
    return encode_cursor(
        {
            "o": case_filter.sort.value,
            "f": case_filter.fingerprint(secret=secret),
            "k": value,
            "i": str(key[1]),
        },
        secret=secret,
    )


def decode_key(case_filter: CaseFilter, cursor: str, *, secret: str) -> tuple[Any, uuid.UUID]:
    """The key a cursor continues after; refused when tampered with or made for another
    filter or sort order (400: start again from the first page)."""
    values = decode_cursor(cursor, secret=secret)
    if values.get("o") != case_filter.sort.value or not hmac.compare_digest(
        str(values.get("f")), case_filter.fingerprint(secret=secret)
    ):
        raise InvalidCursorError("the cursor belongs to another filter or sort order")
    try:
        raw = values["k"]
        key: Any = raw if case_filter.sort is Sort.NUMBER else datetime.fromisoformat(raw)
        return key, uuid.UUID(values["i"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidCursorError("cursor is not valid; start again from the first page") from error
