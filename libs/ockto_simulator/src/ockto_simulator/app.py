"""The simulated Ockto: the session API the adapter calls, the resident's phone page, the
signed delivery to the backoffice's callback, and the source documents (each served once).

State lives in memory: a simulator restarted forgets its sessions, as a demo may.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Form, Header, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel, Field

from contracts.ockto import SIGNATURE_HEADER, sign
from ockto_simulator.scenarios import SCENARIOS, Person, SourceFile, build

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)


@dataclass(frozen=True)
class SimulatorSettings:
    api_key: str
    webhook_secret: str
    public_url: str
    """Where residents and the backoffice reach the simulator (links in sessions)."""


@dataclass
class Session:
    session_id: str
    reference: str
    purpose: str
    expires_at: datetime
    callback_url: str
    persons: list[Person]
    reference_date: date
    state: str = "open"
    deliveries: list[dict[str, Any]] = field(default_factory=list)


class PersonHint(BaseModel):
    role: str
    bsn: str
    date_of_birth: date


class Hint(BaseModel):
    persons: list[PersonHint] = Field(default_factory=list)
    reference_date: date | None = None


class StartRequest(BaseModel):
    reference: str = Field(min_length=1, max_length=100)
    purpose: str = Field(max_length=200)
    sources: list[str] = Field(default_factory=list)
    expires_at: datetime
    callback_url: str
    hint: Hint = Field(default_factory=Hint)


class DeliverRequest(BaseModel):
    scenario: str
    tamper: str | None = Field(
        None, description="tests only: `signature`, `body` or `checksum` makes a bad delivery"
    )


@dataclass
class State:
    settings: SimulatorSettings
    sessions: dict[str, Session] = field(default_factory=dict)
    by_reference: dict[str, str] = field(default_factory=dict)
    files: dict[str, SourceFile] = field(default_factory=dict)


def _state(request: Request) -> State:
    found: State = request.app.state.simulator
    return found


def _api_key(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    expected = f"Bearer {_state(request).settings.api_key}"
    if not authorization or not secrets.compare_digest(authorization, expected):
        raise HTTPException(401, "API key missing or wrong")


Authorised = Depends(_api_key)


def _out(session: Session, settings: SimulatorSettings) -> dict[str, Any]:
    return {
        "session_id": session.session_id,
        "url": f"{settings.public_url}/sessie/{session.session_id}",
        "expires_at": session.expires_at.isoformat(),
        "state": session.state,
        "reference": session.reference,
        "purpose": session.purpose,
        "reference_date": session.reference_date.isoformat(),
        "persons": [
            {"role": p.role, "bsn": p.bsn, "date_of_birth": p.date_of_birth.isoformat()}
            for p in session.persons
        ],
        "deliveries": session.deliveries,
    }


async def deliver(
    state: State, session: Session, scenario: str, tamper: str | None = None
) -> dict[str, Any]:
    """Build, sign and post the delivery for a scenario; returns what the backoffice said."""
    body, document = build(
        scenario,
        session_id=session.session_id,
        persons=session.persons,
        reference_date=session.reference_date,
        purpose=session.purpose,
        document_url=f"{state.settings.public_url}/documents",
    )
    if document is not None:
        state.files[document.token] = document
        if tamper == "checksum":
            body["documents"][0]["sha256"] = "0" * 64
    raw = json.dumps(body).encode()
    header = sign(raw, secret=state.settings.webhook_secret, timestamp=int(time.time()))
    if tamper == "signature":
        header = sign(raw, secret="not-the-shared-secret", timestamp=int(time.time()))  # noqa: S106
    if tamper == "body":
        raw = raw.replace(b'"schema_version": 1', b'"schema_version": 1 ', 1)
    async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
        response = await client.post(
            session.callback_url,
            content=raw,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: header},
        )
    outcome = {
        "delivery_id": body["delivery_id"],
        "scenario": scenario,
        "status_code": response.status_code,
        "response": response.json()
        if response.headers.get("content-type", "").startswith("application/json")
        else response.text,
    }
    session.deliveries.append(outcome)
    if response.status_code == 200:
        session.state = "delivered"
    return outcome


def create_app(settings: SimulatorSettings) -> FastAPI:
    app = FastAPI(
        title="Ockto simulator", description="A stand-in for Ockto, for development and tests."
    )
    app.state.simulator = State(settings)

    @app.get("/health/live")
    @app.get("/health/ready")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/sessions", status_code=201, dependencies=[Authorised])
    async def start(body: StartRequest, request: Request, response: Response) -> dict[str, Any]:
        state = _state(request)
        known = state.by_reference.get(body.reference)
        if known is not None:
            response.status_code = 200
            return _out(state.sessions[known], state.settings)
        persons = [Person(p.role, p.bsn, p.date_of_birth) for p in body.hint.persons]
        if not any(p.role == "applicant" for p in persons):
            raise HTTPException(422, "the simulator needs the applicant in hint.persons")
        session = Session(
            session_id="oks_" + secrets.token_urlsafe(15),
            reference=body.reference,
            purpose=body.purpose,
            expires_at=body.expires_at,
            callback_url=body.callback_url,
            persons=persons,
            reference_date=body.hint.reference_date or datetime.now(UTC).date(),
        )
        state.sessions[session.session_id] = session
        state.by_reference[body.reference] = session.session_id
        return _out(session, state.settings)

    @app.get("/api/v1/sessions", dependencies=[Authorised])
    async def list_sessions(request: Request) -> list[dict[str, Any]]:
        state = _state(request)
        return [_out(s, state.settings) for s in state.sessions.values()]

    def _session(request: Request, session_id: str) -> Session:
        found = _state(request).sessions.get(session_id)
        if found is None:
            raise HTTPException(404, "onbekende sessie")
        return found

    @app.post("/api/v1/sessions/{session_id}/deliver", dependencies=[Authorised])
    async def deliver_by_api(
        session_id: str, body: DeliverRequest, request: Request
    ) -> dict[str, Any]:
        """Tests and demos: the resident consents to a scenario."""
        if body.scenario not in SCENARIOS:
            raise HTTPException(422, f"unknown scenario; one of {sorted(SCENARIOS)}")
        return await deliver(
            _state(request), _session(request, session_id), body.scenario, body.tamper
        )

    @app.get("/sessie/{session_id}", response_class=HTMLResponse)
    async def resident_page(session_id: str, request: Request) -> HTMLResponse:
        session = _session(request, session_id)
        page = _TEMPLATES.get_template("resident.html").render(
            session=session, scenarios=SCENARIOS, expired=session.expires_at <= datetime.now(UTC)
        )
        return HTMLResponse(page)

    @app.post("/sessie/{session_id}/toestemming", response_class=HTMLResponse)
    async def consent(
        session_id: str,
        request: Request,
        scenario: Annotated[str, Form()],
        toestemming: Annotated[str | None, Form()] = None,
    ) -> HTMLResponse:
        session = _session(request, session_id)
        if scenario not in SCENARIOS or toestemming != "ja":
            page = _TEMPLATES.get_template("resident.html").render(
                session=session,
                scenarios=SCENARIOS,
                expired=False,
                error="Kies uw situatie en geef toestemming om uw gegevens te delen.",
            )
            return HTMLResponse(page, status_code=422)
        outcome = await deliver(_state(request), session, scenario)
        page = _TEMPLATES.get_template("done.html").render(
            ok=outcome["status_code"] == 200, outcome=outcome
        )
        return HTMLResponse(page, status_code=200 if outcome["status_code"] == 200 else 502)

    @app.get("/documents/{token}")
    async def document(token: str, request: Request) -> Response:
        """A source document: the link works once and for 10 minutes."""
        file = _state(request).files.pop(token, None)
        if file is None or file.expires_at <= datetime.now(UTC):
            raise HTTPException(404, "link verlopen of al gebruikt")
        return Response(file.content, media_type="application/pdf")

    return app
