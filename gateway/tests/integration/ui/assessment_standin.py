"""A stand-in for the assessment service behind the staff UI in the integration tests.

The real service needs Ockto (the simulator), its own database and the case events before it
can advise; the browser test (`tests/browser/test_case_documents_and_advice.py`) drives it. Here
the stand-in answers with the real service's own HTTP models (`assessment.*.schemas`), its
decision rules and messages as `assessment.decisions.service` words them, and the parameters
checked by the real pure rules (`assessment.parameters.rules`), so that the screens are tested
against the same shapes and sentences; what it was asked is recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from assessment.advice.schemas import (
    ADVICE_LABELS,
    REASON_LABELS,
    AdviceHistoryItem,
    AdviceOut,
    AssessmentOut,
    DataSource,
    DecisionOut,
)
from assessment.decisions.schemas import DecisionIn
from assessment.ockto.schemas import SessionOut, StartedOut
from assessment.parameters import rules
from assessment.parameters.schemas import NewVersion, Problem, Refusal, VersionOut, Versions
from assessment.parameters.values import default_parameters
from servicekit.auth import TOKEN_HEADER, Principal, read_token
from servicekit.settings import DEVELOPMENT_SECRET

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
NOT_FOUND = "zaak niet gevonden (of niet binnen uw organisatie)"


def session(state: str = "invited", *, trigger: str = "automatic") -> SessionOut:
    return SessionOut(
        session_id="oks_" + uuid.uuid4().hex[:16],
        state=state,
        trigger=trigger,
        started_by="system",
        requested_at=NOW - timedelta(days=2),
        started_at=NOW - timedelta(days=2),
        url="https://ockto.example/sessie/x",
        expires_at=NOW + timedelta(days=28),
        delivered_at=NOW - timedelta(days=1) if state == "delivered" else None,
        ended_at=None,
        last_error=None,
    )


def ockto_data() -> DataSource:
    return DataSource(
        package_id=uuid.uuid4(),
        origin="ockto",
        current=True,
        recorded_by="ockto",
        recorded_at=NOW - timedelta(days=1),
        persons=["applicant"],
        sources={"applicant": ["belastingdienst", "mijnoverheid", "bank"]},
        period_first=date(2026, 8, 1),
        period_last=date(2026, 10, 31),
        partner_detected=False,
        incomes=[
            {
                "person": "applicant",
                "kind": "wages",
                "source": "belastingdienst",
                "payer": "Bakkerij Van Dijk",
                "period_start": "2026-10-01",
                "period_end": "2026-10-31",
                "frequency": "monthly",
                "net_amount": "1512.40",
                "holiday_allowance_included": False,
            }
        ],
        assets=[
            {
                "person": "applicant",
                "kind": "savings",
                "source": "bank",
                "institution": "ING",
                "reference_date": "2026-11-01",
                "balance": "2150.00",
            }
        ],
        documents=[{"kind": "income_statement", "sha256": "ab" * 32, "state": "stored"}],
    )


def advice_out(kind: str, version_id: uuid.UUID) -> AdviceOut:
    reasons = {"grant": [], "investigate": ["within_margin"], "reject": ["income_above_limit"]}[
        kind
    ]
    total = {"grant": "1633.39", "investigate": "1690.00", "reject": "1902.00"}[kind]
    return AdviceOut(
        advice_id=uuid.uuid4(),
        advice=kind,
        label=ADVICE_LABELS[kind],
        reasons=reasons,
        reason_labels=[REASON_LABELS[r] for r in reasons],
        explanation=[
            f"Uw netto-inkomen is € {total.replace('.', ',')} per maand.",
            f"Daarom is het advies: {ADVICE_LABELS[kind].lower()}.",
        ],
        figures={
            "household_type": "single",
            "age_band": "working_age",
            "period": {"first": "2026-08-01", "last": "2026-10-31"},
            "income": {
                "per_person": [
                    {
                        "person": "applicant",
                        "origin": "ockto",
                        "monthly": total,
                        "items": [
                            {
                                "kind": "wages",
                                "payer": "Bakkerij Van Dijk",
                                "source": "belastingdienst",
                                "origin": "ockto",
                                "monthly": total,
                                "counted": True,
                                "entries": 3,
                            }
                        ],
                    }
                ],
                "total": total,
                "limit": "1681.80",
                "norm": "1401.50",
                "limit_derivation": "120% van de bijstandsnorm voor een alleenstaande (ouder) "
                "onder de pensioenleeftijd (€ 1.401,50 per maand), inclusief vakantiegeld.",
            },
            "assets": {"total": "2150.00", "limit": "8000.00", "asset_test": True},
            "margin_percent": "0",
        },
        parameter_version_id=version_id,
        trigger="delivery",
        requested_by="system",
        given_at=NOW - timedelta(hours=20),
    )


@dataclass
class Case:
    municipality_code: str
    advice: str | None = None
    sessions: list[SessionOut] = field(default_factory=list)
    data: list[DataSource] = field(default_factory=list)
    decision: DecisionOut | None = None
    four_eyes: bool = False
    prepared_by: set[str] = field(default_factory=set)
    given: AdviceOut | None = None


@dataclass
class AssessmentStandIn:
    app: FastAPI = field(default_factory=FastAPI)
    cases: dict[uuid.UUID, Case] = field(default_factory=dict)
    versions: dict[str, list[VersionOut]] = field(default_factory=dict)
    asked: list[tuple[str, str, Any, Principal]] = field(default_factory=list)
    """(method, path, JSON body, principal) of every request."""

    def __post_init__(self) -> None:
        _routes(self)

    def add_case(
        self,
        case_id: uuid.UUID,
        municipality_code: str = "0534",
        *,
        advice: str | None = None,
        session_state: str | None = "invited",
        four_eyes: bool = False,
        prepared_by: set[str] | None = None,
    ) -> Case:
        """A case the service knows; with `advice`, delivered Ockto data and that advice."""
        version = self.parameters(municipality_code)[-1]
        case = Case(
            municipality_code=municipality_code,
            advice=advice,
            four_eyes=four_eyes,
            prepared_by=prepared_by or set(),
        )
        if session_state is not None:
            case.sessions.append(session("delivered" if advice else session_state))
        if advice is not None:
            case.data.append(ockto_data())
            case.given = advice_out(advice, version.id)
        self.cases[case_id] = case
        return case

    def parameters(self, code: str) -> list[VersionOut]:
        """The versions; every municipality starts with the real default version."""
        if code not in self.versions:
            values = default_parameters(code)
            self.versions[code] = [
                VersionOut(
                    id=values.version_id,
                    municipality_code=code,
                    valid_from=values.valid_from,
                    valid_until=None,
                    note="Standaardversie",
                    created_by="system",
                    created_at=NOW - timedelta(days=300),
                    values=rules.to_json(values),
                )
            ]
        return self.versions[code]

    def assessment(self, case_id: uuid.UUID, principal: Principal) -> AssessmentOut:
        case = self.cases[case_id]
        version = self.parameters(case.municipality_code)[-1]
        return AssessmentOut(
            case_id=case_id,
            municipality_code=case.municipality_code,
            status="awaiting_data",
            parameter_version_id=version.id,
            check_moment="vooraf",
            four_eyes=case.four_eyes,
            sessions=case.sessions,
            data=case.data,
            advice=case.given,
            advice_history=[
                AdviceHistoryItem(
                    advice_id=case.given.advice_id,
                    advice=case.given.advice,
                    label=case.given.label,
                    parameter_version_id=case.given.parameter_version_id,
                    given_at=case.given.given_at,
                )
            ]
            if case.given
            else [],
            decision=case.decision,
            may_decide=case.decision is None
            and principal.role == "beslisser"
            and not (case.four_eyes and principal.subject in case.prepared_by),
        )


def _refuse(status: int, message: str) -> HTTPException:
    return HTTPException(status, message)


def _decide(case: Case, body: DecisionIn, principal: Principal) -> DecisionOut:
    """The rules of `assessment.decisions.service.decide`, with its messages."""
    if case.decision is not None:
        raise _refuse(409, "over deze zaak is al besloten")
    if body.outcome == "granted" and body.reasons:
        raise _refuse(422, "reasons: alleen een afwijzing heeft redenen")
    if body.outcome == "rejected" and not body.reasons:
        raise _refuse(
            422, "reasons: geef minstens één reden (income_too_high, assets_too_high, custom)"
        )
    if ("custom" in body.reasons) != bool(body.custom_reason and body.custom_reason.strip()):
        raise _refuse(
            422, "custom_reason: geef de tekst van de aangepaste reden precies bij reden custom"
        )
    advised = case.advice
    differs = advised is None or (body.outcome, advised) not in {
        ("granted", "grant"),
        ("rejected", "reject"),
    }
    if differs and not (body.motivation and body.motivation.strip()):
        raise _refuse(
            422,
            "motivation: het besluit wijkt af van het advies"
            + (f" ({advised})" if advised else " (er is geen advies)")
            + "; geef een motivering",
        )
    if case.four_eyes and principal.subject in case.prepared_by:
        raise _refuse(
            403,
            "vier ogen: u heeft deze zaak voorbereid (gegevens ingevoerd, advies gevraagd, "
            "naar advies gereed gezet of toegewezen gekregen); een andere beslisser besluit",
        )
    return DecisionOut(
        decision_id=uuid.uuid4(),
        outcome=body.outcome,
        basis="assessment",
        reasons=list(body.reasons),
        custom_reason=body.custom_reason,
        motivation=body.motivation,
        advice=advised,
        differs_from_advice=differs,
        effective_from=date(2027, 1, 1) if body.outcome == "granted" else None,
        decided_by=principal.subject,
        decided_at=NOW,
    )


def _add_version(stand_in: AssessmentStandIn, code: str, body: NewVersion, actor: str) -> Any:
    existing = stand_in.parameters(code)
    last = existing[-1]
    document = {**last.values, **body.given_values()}
    problems: list[rules.FieldProblem] = []
    if body.valid_from <= last.valid_from:
        problems.append(
            rules.FieldProblem(
                "valid_from",
                f"overlapt met de versie die geldt vanaf {last.valid_from.isoformat()}: een "
                "nieuwe versie begint na het begin van de laatste",
            )
        )
    proposed = rules.from_json(
        document,
        version_id=uuid.uuid4(),
        municipality_code=code,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
    )
    problems += rules.check(proposed)
    if problems:
        refusal = Refusal(
            detail="De parameters zijn niet opgeslagen: "
            + "; ".join(f"{p.field}: {p.message}" for p in problems),
            errors=[Problem(field=p.field, message=p.message) for p in problems],
        )
        return JSONResponse(refusal.model_dump(), status_code=422)
    if last.valid_until is None:
        existing[-1] = last.model_copy(update={"valid_until": body.valid_from - timedelta(days=1)})
    version = VersionOut(
        id=proposed.version_id,
        municipality_code=code,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        note=body.note,
        created_by=actor,
        created_at=NOW,
        values=rules.to_json(proposed),
    )
    existing.append(version)
    return JSONResponse(version.model_dump(mode="json"), status_code=201)


def _routes(stand_in: AssessmentStandIn) -> None:
    app = stand_in.app

    async def principal_of(request: Request) -> Principal:
        token = request.headers.get(TOKEN_HEADER)
        if token is None:
            raise HTTPException(401, "internal token missing")
        principal = read_token(token, secret=DEVELOPMENT_SECRET)
        body = await request.body()
        stand_in.asked.append(
            (request.method, request.url.path, body.decode() if body else None, principal)
        )
        return principal

    def known(case_id: uuid.UUID, principal: Principal) -> Case:
        case = stand_in.cases.get(case_id)
        if case is None or not principal.may_see(case.municipality_code):
            raise HTTPException(404, NOT_FOUND)
        return case

    @app.get("/cases/{case_id}/assessment")
    async def get_assessment(case_id: uuid.UUID, request: Request) -> Any:
        principal = await principal_of(request)
        known(case_id, principal)
        return stand_in.assessment(case_id, principal).model_dump(mode="json")

    @app.post("/cases/{case_id}/data-sessions", status_code=201)
    async def start(case_id: uuid.UUID, request: Request) -> Any:
        principal = await principal_of(request)
        case = known(case_id, principal)
        if case.decision is not None:
            raise HTTPException(409, "de zaak is gesloten")
        for earlier in case.sessions:
            if earlier.state in ("requested", "invited"):
                earlier.state = "cancelled"
        started = session("invited", trigger="manual")
        started.started_by = principal.subject
        started.requested_at = started.started_at = NOW
        case.sessions.append(started)
        case.prepared_by.add(principal.subject)
        assert started.session_id is not None
        return StartedOut(
            session_id=started.session_id,
            url="https://ockto.example/sessie/y",
            expires_at=NOW + timedelta(days=30),
            qr_svg=f"/cases/{case_id}/data-sessions/{started.session_id}/qr.svg",
        ).model_dump(mode="json")

    @app.post("/cases/{case_id}/decision", status_code=201)
    async def decide(case_id: uuid.UUID, body: DecisionIn, request: Request) -> Any:
        principal = await principal_of(request)
        if principal.role != "beslisser":
            raise HTTPException(403, "Uw rol mag geen besluiten nemen.")
        case = known(case_id, principal)
        case.decision = _decide(case, body, principal)
        return case.decision.model_dump(mode="json")

    @app.get("/municipalities/{code}/parameters")
    async def versions(code: str, request: Request, on: date | None = None) -> Any:
        principal = await principal_of(request)
        if not principal.may_see(code) or code == "0000":
            raise HTTPException(404, "gemeente niet gevonden (of niet binnen uw organisatie)")
        found = stand_in.parameters(code)
        applicable = next(
            (
                v
                for v in reversed(found)
                if on is not None
                and v.valid_from <= on
                and (v.valid_until is None or on <= v.valid_until)
            ),
            None,
        )
        return Versions(
            municipality_code=code,
            versions=found,
            applies_on=on,
            applicable_version_id=applicable.id if applicable else None,
        ).model_dump(mode="json")

    @app.post("/municipalities/{code}/parameters")
    async def add(code: str, body: NewVersion, request: Request) -> Any:
        principal = await principal_of(request)
        if principal.role != "functioneel_beheerder":
            raise HTTPException(403, "Uw rol mag geen normen wijzigen.")
        return _add_version(stand_in, code, body, principal.subject)
