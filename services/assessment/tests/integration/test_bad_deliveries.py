"""Every kind of bad delivery is refused with its own reason and recorded, the case unchanged:
no delivery, no package, no advice, no event, the session still open."""

from __future__ import annotations

import copy
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from contracts.ockto import sign
from ockto_simulator.scenarios import SourceFile
from servicekit.auth import Principal

from .conftest import WEBHOOK_SECRET, Assessment
from .support import (
    count,
    delivery_body,
    events,
    invited_session,
    open_case,
    post_delivery,
    register,
    staff,
)

Body = dict[str, Any]


@dataclass(frozen=True)
class Bad:
    name: str
    status: int
    code: str
    change: Callable[[Body], Body | bytes] = lambda body: body
    headers: Callable[[bytes], dict[str, str]] | None = None


def _set(path: str, value: Any) -> Callable[[Body], Body]:
    def change(body: Body) -> Body:
        changed = copy.deepcopy(body)
        target: Any = changed
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DROP:
            del target[last if not last.isdigit() else int(last)]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
        return changed

    return change


_DROP = object()
_FUTURE = (datetime.now(UTC) + timedelta(days=40)).date().isoformat()


def _signed(
    at_offset: float = 0, secret: str = WEBHOOK_SECRET
) -> Callable[[bytes], dict[str, str]]:
    return lambda raw: {
        "Content-Type": "application/json",
        "X-Ockto-Signature": sign(raw, secret=secret, timestamp=int(time.time() + at_offset)),
    }


def _two_applicants(body: Body) -> Body:
    changed = copy.deepcopy(body)
    changed["persons"].append({**changed["persons"][0], "bsn": "123456782"})
    return changed


def _partner_income(body: Body) -> Body:
    changed = copy.deepcopy(body)
    changed["incomes"].append({**changed["incomes"][0], "person": "partner"})
    return changed


BAD = [
    Bad(
        "no signature",
        401,
        "signature_missing",
        headers=lambda raw: {"Content-Type": "application/json"},
    ),
    Bad(
        "malformed signature",
        401,
        "signature_malformed",
        headers=lambda raw: {"Content-Type": "application/json", "X-Ockto-Signature": "sha256=abc"},
    ),
    Bad(
        "wrong secret", 401, "signature_mismatch", headers=_signed(secret="another-secret-entirely")
    ),
    Bad("timestamp 6 minutes old", 401, "signature_expired", headers=_signed(-360)),
    Bad("timestamp 6 minutes ahead", 401, "signature_from_future", headers=_signed(360)),
    Bad(
        "body changed after signing",
        401,
        "signature_mismatch",
        headers=lambda raw: {
            "Content-Type": "application/json",
            "X-Ockto-Signature": sign(
                raw + b" ", secret=WEBHOOK_SECRET, timestamp=int(time.time())
            ),
        },
    ),
    Bad("not JSON", 400, "malformed_json", lambda body: b"{delivery_id: nope"),
    Bad("not UTF-8", 400, "not_utf8", lambda body: b'{"a": "\xff\xfe"}'),
    Bad("a JSON array", 422, "not_an_object", lambda body: b"[1, 2, 3]"),
    Bad(
        "text/plain",
        415,
        "unsupported_media_type",
        headers=lambda raw: {**_signed()(raw), "Content-Type": "text/plain"},
    ),
    Bad("schema version 2", 422, "unsupported_schema_version", _set("schema_version", 2)),
    Bad("delivery_id missing", 422, "schema_violation", _set("delivery_id", _DROP)),
    Bad("delivery_id not a uuid", 422, "schema_violation", _set("delivery_id", "not-a-uuid")),
    Bad("unknown field", 422, "schema_violation", _set("extra", 1)),
    Bad("session_id pattern", 422, "schema_violation", _set("session_id", "short")),
    Bad("no persons", 422, "schema_violation", _set("persons", [])),
    Bad("BSN of eight digits", 422, "schema_violation", _set("persons.0.bsn", "12345678")),
    Bad("unknown income kind", 422, "schema_violation", _set("incomes.0.kind", "lottery")),
    Bad("negative net amount", 422, "schema_violation", _set("incomes.0.net_amount", -10)),
    Bad("date not a date", 422, "schema_violation", _set("incomes.0.period_start", "1 oktober")),
    Bad("consent missing", 422, "schema_violation", _set("consent", _DROP)),
    Bad("BSN fails the eleven-test", 422, "invalid_bsn", _set("persons.0.bsn", "123456789")),
    Bad("two applicants", 422, "persons_invalid", _two_applicants),
    Bad("income of a partner not among persons", 422, "unknown_person", _partner_income),
    Bad("source not consented", 422, "source_not_consented", _set("incomes.0.source", "duo")),
    Bad("absurd amount", 422, "implausible_amount", _set("incomes.0.net_amount", 9_999_999)),
    Bad("absurd balance", 422, "implausible_amount", _set("assets.0.balance", -99_000_000_000)),
    Bad("period in the future", 422, "future_period", _set("incomes.0.period_start", _FUTURE)),
    Bad(
        "period ends before it starts",
        422,
        "invalid_period",
        _set("incomes.0.period_end", "2000-01-01"),
    ),
    Bad("asset date in the future", 422, "future_period", _set("assets.0.reference_date", _FUTURE)),
    Bad(
        "allowance without its kind",
        422,
        "allowance_kind_mismatch",
        _set("incomes.0.kind", "allowance"),
    ),
    Bad("unknown session", 404, "unknown_session", _set("session_id", "oks_" + "x" * 20)),
    Bad("persons not the household", 422, "persons_mismatch", _set("persons.0.bsn", "123456782")),
    Bad(
        "wrong date of birth",
        422,
        "persons_mismatch",
        _set("persons.0.date_of_birth", "1950-01-01"),
    ),
    Bad(
        "document link expired",
        422,
        "document_link_expired",
        _set(
            "documents",
            [
                {
                    "kind": "other",
                    "url": "http://127.0.0.1:9/x",
                    "expires_at": "2020-01-01T00:00:00Z",
                    "sha256": "0" * 64,
                }
            ],
        ),
    ),
    Bad(
        "document cannot be fetched",
        422,
        "document_unavailable",
        _set(
            "documents",
            [
                {
                    "kind": "other",
                    "url": "http://127.0.0.1:9/gone",
                    "expires_at": "2099-01-01T00:00:00Z",
                    "sha256": "0" * 64,
                }
            ],
        ),
    ),
    Bad(
        "a 50 MB body", 413, "body_too_large", lambda body: b"{" + b" " * (50 * 1024 * 1024) + b"}"
    ),
]


async def _unchanged(assessment: Assessment, case_id: uuid.UUID) -> bool:
    async with assessment.database.sessions() as session:
        state = await session.scalar(
            text("SELECT state FROM data_sessions WHERE case_id = :c"), {"c": case_id}
        )
    return (
        state == "invited"
        and await count(assessment, "deliveries") == 0
        and await count(assessment, "data_packages") == 0
        and await count(assessment, "advices") == 0
        and not await events(assessment, "assessment.data.delivered")
    )


async def test_every_bad_delivery_is_refused_with_its_reason_and_recorded(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)
    good = delivery_body(session_id, home)
    assert len(BAD) >= 30
    wrong: list[str] = []
    for number, bad in enumerate(BAD, start=1):
        changed = bad.change(copy.deepcopy(good))
        raw = changed if isinstance(changed, bytes) else json.dumps(changed).encode()
        headers = bad.headers(raw) if bad.headers else _signed()(raw)
        response = await post_delivery(assessment, raw, headers)
        answer = response.json()
        if (response.status_code, answer.get("reason_code")) != (bad.status, bad.code):
            wrong.append(f"{bad.name}: {response.status_code} {answer}")
        elif await count(assessment, "refused_deliveries") != number:
            wrong.append(f"{bad.name}: not recorded")
    assert wrong == []
    assert await _unchanged(assessment, case_id)
    async with assessment.database.sessions() as session:
        recorded = (
            await session.execute(text("SELECT reason, body_bytes FROM refused_deliveries"))
        ).all()
    assert not any(home.applicant.bsn in row.reason for row in recorded)
    assert max(row.body_bytes for row in recorded) > 50 * 1024 * 1024
    operator = Principal(
        subject="op", organisation="platform", role="operator", all_municipalities=True
    )
    listed = await assessment.client.get(
        "/ockto/refused-deliveries", headers=assessment.headers(operator)
    )
    assert listed.status_code == 200
    assert [item["reason_code"] for item in listed.json()["items"]] == [
        bad.code for bad in reversed(BAD)
    ]
    own = await assessment.client.get(
        "/ockto/refused-deliveries", headers=assessment.headers(staff("functioneel_beheerder"))
    )
    assert {item["municipality_code"] for item in own.json()["items"]} == {"0363"}
    assert "persons_mismatch" in {item["reason_code"] for item in own.json()["items"]}
    reader = await assessment.client.get(
        "/ockto/refused-deliveries", headers=assessment.headers(staff("raadpleger"))
    )
    assert reader.status_code == 403


async def test_a_document_whose_checksum_does_not_match_refuses_the_whole_delivery(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)
    content = b"%PDF-1.4 inkomensverklaring"
    state = assessment.simulator.state
    state.files["goed"] = SourceFile("goed", content, datetime.now(UTC) + timedelta(minutes=10))
    url = f"{assessment.simulator.url}/documents/goed"
    body = delivery_body(session_id, home)
    body["documents"] = [
        {
            "kind": "income_statement",
            "url": url,
            "expires_at": (datetime.now(UTC) + timedelta(minutes=9)).isoformat(),
            "sha256": "a" * 64,
        }
    ]

    refused = await post_delivery(assessment, body)

    assert refused.status_code == 422
    assert refused.json()["reason_code"] == "document_checksum_mismatch"
    assert await _unchanged(assessment, case_id)
    state.files["weer"] = SourceFile("weer", content, datetime.now(UTC) + timedelta(minutes=10))
    body["delivery_id"] = str(uuid.uuid4())
    body["documents"][0].update(
        url=f"{assessment.simulator.url}/documents/weer", sha256=hashlib.sha256(content).hexdigest()
    )
    accepted = await post_delivery(assessment, body)
    assert accepted.status_code == 200, accepted.text
    assert await count(assessment, "source_documents", state="pending") == 1
    assert "weer" not in state.files, "the link is fetched (once)"


async def test_completed_cancelled_and_other_municipalities_sessions_are_refused(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    await register(assessment, "0599")
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)
    assert (await post_delivery(assessment, delivery_body(session_id, home))).status_code == 200
    completed = await post_delivery(assessment, delivery_body(session_id, home))

    other_case, other_home = await open_case(assessment, code="0599")
    other_session = await invited_session(assessment, other_case)
    third_case, _ = await open_case(assessment, code="0363")
    third_session = await invited_session(assessment, third_case)
    foreign = await post_delivery(assessment, delivery_body(third_session, other_home))

    from contracts.cases import CaseStatusChanged

    from .support import publish

    await publish(
        assessment,
        CaseStatusChanged(
            case_id=other_case,
            kind="application",
            municipality_code="0599",
            from_status="awaiting_data",
            to_status="aborted",
            transition="aborted",
            changed_at=datetime.now(UTC),
            actor="beslisser-0599",
        ),
    )

    async def cancelled() -> bool:
        return await count(assessment, "data_sessions", state="cancelled") == 1

    from servicekit.testing import eventually

    await eventually(cancelled)
    closed = await post_delivery(assessment, delivery_body(other_session, other_home))

    assert (completed.status_code, completed.json()["reason_code"]) == (409, "session_completed")
    assert (foreign.status_code, foreign.json()["reason_code"]) == (
        422,
        "session_of_other_municipality",
    )
    assert (closed.status_code, closed.json()["reason_code"]) == (409, "session_cancelled")
