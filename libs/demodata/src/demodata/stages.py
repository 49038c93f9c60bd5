"""Every stage of the process, reached by driving the running system as its users would.

`make up` publishes applications as the website does; this module then takes some of the ISD's
cases further through the gateway's public API, with API keys of the roles that act in real
life, and through the Ockto simulator's resident side: data delivered (advices of all three
kinds), decisions with their letters, a running term to complete, a hold, a memo, a case not
processed, aborted, restored and closed, a resident's upload through the portal, a municipality
that checks afterwards (decided at once) and a re-examination campaign with its print batch.
It never writes another service's tables, so what it shows is what the system does.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import httpx

from demodata.applications import ApplicationFactory, valid_bsn
from ockto_simulator.scenarios import one_page_pdf

CAMPAIGN = "Heronderzoek 2027"

ADVICE_SCENARIOS = (
    ("wages_under_limit", "grant"),
    ("uwv_benefit", "grant"),
    ("aow_couple_pension", "grant"),
    ("wages_under_limit", "grant"),
    ("savings_above_limit", "reject"),
    ("savings_above_limit", "reject"),
    ("self_employed", "investigate"),
    ("source_missing", "investigate"),
)
"""What the residents who open their Ockto link choose (a scenario each), and the advice their
situation gets; more than one per kind so that deciding some still leaves each kind open."""

PAYSLIP_PDF_TEXT = "Loonstrook november 2026 - demo"


class DemoError(RuntimeError):
    """The running system did not answer as expected; the message says where."""


@dataclass(frozen=True)
class Municipalities:
    """Where the stages happen; the roles' keys must reach all three (e.g. through an ISD)."""

    main: str = "1525"
    """Teylingen: data delivered, advices, decisions, terms, holds, an upload."""
    campaign: str = "0553"
    """Lisse: a re-examination campaign."""
    afterwards: str = "0575"
    """Noordwijk: checks afterwards in the demo, so its next applications are decided at once."""


@dataclass
class Roles:
    """API headers per role of the demo ISD (made by the admin CLI, as an operator would)."""

    handler: dict[str, str]
    decider: dict[str, str]
    manager: dict[str, str]


@dataclass
class Report:
    """What the stages made, for the banner: where to look."""

    advised: dict[str, list[str]] = field(default_factory=dict)
    """Advice kind → case ids with that advice."""
    decided: list[str] = field(default_factory=list)
    letters_sent: list[str] = field(default_factory=list)
    term_running: str | None = None
    not_processed: str | None = None
    upload: str | None = None
    decided_at_once: list[str] = field(default_factory=list)
    campaign_letters: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def _check(response: httpx.Response, *expected: int) -> Any:
    if response.status_code not in expected:
        raise DemoError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text[:300]}"
        )
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.json()
    return response.text


async def _until(what: str, check: Callable[[], Awaitable[Any]], seconds: float = 60.0) -> Any:
    """Polls until `check` gives something truthy; the system works asynchronously."""
    deadline = time.monotonic() + seconds
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise DemoError(f"demo stages: {what} did not happen within {seconds:.0f} s")
        await asyncio.sleep(0.25)


def re_examination_csv(count: int, *, seed: int = 2027) -> bytes:
    """The municipality's list of residents who get the contribution (the import's format)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    lines = [
        "bsn;initials;prefix;last_name;date_of_birth;street;house_number;house_number_suffix;"
        "postal_code;city;email;children_count"
    ]
    streets = ("Hoofdstraat", "Kanaalstraat", "Tulpenlaan", "Stationsweg", "Dorpsstraat")
    for i in range(count):
        lines.append(
            ";".join(
                (
                    valid_bsn(rng),
                    "A.B.",
                    "de" if i % 3 == 0 else "",
                    ("Vries", "Bakker", "Visser", "Smit", "Meijer")[i % 5],
                    f"{1950 + i % 40}-0{1 + i % 9}-1{i % 10}",
                    streets[i % len(streets)],
                    str(1 + i),
                    "a" if i % 4 == 0 else "",
                    f"2171 {chr(65 + i % 26)}{chr(66 + i % 20)}",
                    "Sassenheim",
                    "",
                    str(i % 3),
                )
            )
        )
    return ("\n".join(lines) + "\n").encode()


class Stages:
    """Drives the running system through every stage; each step as the user who takes it."""

    def __init__(self, api: httpx.AsyncClient, simulator: httpx.AsyncClient, roles: Roles) -> None:
        self.api = api
        self.simulator = simulator
        self.roles = roles
        self.report = Report()

    async def cases(self, municipality: str, status: str, limit: int = 50) -> list[dict[str, Any]]:
        response = await self.api.get(
            "/api/v1/cases",
            params={"municipality": municipality, "status": status, "limit": str(limit)},
            headers=self.roles.handler,
        )
        page = _check(response, 200)
        return list(page["items"])

    async def _invitation(self, case_id: str) -> dict[str, Any] | None:
        response = await self.api.get(
            f"/api/v1/cases/{case_id}/assessment", headers=self.roles.handler
        )
        if response.status_code == 404:
            return None
        sessions = _check(response, 200)["sessions"]
        invited = [s for s in sessions if s["state"] == "invited"]
        return invited[0] if invited else None

    async def _advice(self, case_id: str) -> str | None:
        response = await self.api.get(
            f"/api/v1/cases/{case_id}/assessment", headers=self.roles.handler
        )
        if response.status_code != 200:
            return None
        advice = response.json().get("advice")
        return str(advice["advice"]) if advice else None

    async def deliver_data(self, cases: Iterable[dict[str, Any]]) -> None:
        """Residents open their Ockto link and consent to a situation each."""
        for case, (scenario, expected) in zip(cases, ADVICE_SCENARIOS, strict=False):
            case_id = str(case["id"])
            session = await _until(
                f"the Ockto invitation of case {case['application_number']}",
                partial(self._invitation, case_id),
            )
            delivered = await self.simulator.post(
                f"/api/v1/sessions/{session['session_id']}/deliver", json={"scenario": scenario}
            )
            outcome = _check(delivered, 200)
            if outcome["status_code"] != 200:
                raise DemoError(f"the delivery for {scenario} was refused: {outcome['response']}")
            advice = await _until(
                f"the advice of case {case['application_number']}",
                partial(self._advice, case_id),
            )
            if advice != expected:
                raise DemoError(f"{scenario} gave the advice {advice}, expected {expected}")
            self.report.advised.setdefault(advice, []).append(case_id)

    async def decide(self, case_id: str, outcome: str, reasons: list[str]) -> None:
        decided = await self.api.post(
            f"/api/v1/cases/{case_id}/decision",
            json={"outcome": outcome, "reasons": reasons},
            headers=self.roles.decider,
        )
        _check(decided, 201)
        self.report.decided.append(case_id)

    async def send_decision_letter(self, case_id: str) -> None:
        """The beslisser previews the drafted decision letter and approves it."""

        async def drafted() -> dict[str, Any] | None:
            response = await self.api.get(
                f"/api/v1/cases/{case_id}/decision-letter", headers=self.roles.decider
            )
            return response.json() if response.status_code == 200 else None

        draft = await _until("the decision letter's draft", drafted)
        sent = await self.api.post(
            f"/api/v1/cases/{case_id}/decision-letter/send",
            json={"template_versions": draft["template_versions"]},
            headers=self.roles.decider,
        )
        _check(sent, 202)
        self.report.letters_sent.append(case_id)

    async def transition(self, case_id: str, to: str, reason: str, headers: dict[str, str]) -> None:
        moved = await self.api.post(
            f"/api/v1/cases/{case_id}/transitions",
            json={"to": to, "reason": reason},
            headers=headers,
        )
        _check(moved, 200)

    async def _status(self, case_id: str) -> str:
        response = await self.api.get(f"/api/v1/cases/{case_id}", headers=self.roles.handler)
        return str(_check(response, 200)["status"])

    async def _reaches(self, case_id: str, status: str) -> None:
        async def there() -> bool:
            return await self._status(case_id) == status

        await _until(f"case {case_id} in status {status}", there)

    async def request_information(self, case_id: str, term_days: int = 14) -> None:
        asked = await self.api.post(
            f"/api/v1/cases/{case_id}/information-requests",
            json={
                "items": ["uw loonstroken van de laatste drie maanden", "een bankafschrift"],
                "term_days": term_days,
            },
            headers=self.roles.handler,
        )
        _check(asked, 201)

    async def upload_through_portal(self, case_id: str) -> None:
        """Staff make an upload link; the resident opens it on a phone and sends a payslip."""
        created = await self.api.post(
            f"/api/v1/cases/{case_id}/upload-links",
            json={
                "purpose": "income_evidence",
                "expires_at": (datetime.now(UTC) + timedelta(days=14)).isoformat(),
                "message": "Stuur uw loonstrook van november.",
            },
            headers=self.roles.handler,
        )
        link = str(_check(created, 201)["url"])
        async with httpx.AsyncClient(timeout=30, trust_env=False, follow_redirects=True) as phone:
            page = await phone.get(link)
            _check(page, 200)
            action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
            target = httpx.URL(link).join(action.group(1)) if action else httpx.URL(link)
            sent = await phone.post(
                target,
                files={
                    "bestanden": (
                        "loonstrook-november.pdf",
                        one_page_pdf(PAYSLIP_PDF_TEXT, font_size=14),
                    )
                },
            )
            _check(sent, 200)
        self.report.upload = case_id

    async def memo_hold_and_assign(self, case_id: str) -> None:
        handler = self.roles.handler
        _check(
            await self.api.post(
                f"/api/v1/cases/{case_id}/memos",
                json={"text": "Inwoner gebeld: stuurt de jaaropgave na.", "corrects": None},
                headers=handler,
            ),
            201,
        )
        _check(
            await self.api.put(
                f"/api/v1/cases/{case_id}/assignee", json={"assignee": "me"}, headers=handler
            ),
            200,
        )
        until = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
        _check(
            await self.api.put(
                f"/api/v1/cases/{case_id}/hold",
                json={"reason": "Wacht op de jaaropgave van de werkgever", "until": until},
                headers=handler,
            ),
            200,
        )

    async def checked_afterwards(
        self, municipality: str, website: Callable[[list[bytes]], Awaitable[None]]
    ) -> None:
        """A municipality that checks afterwards: its next applications are decided at once.

        The functioneel beheerder adds a parameter version the day after the current one starts
        (a version applies by the application's date of submission, which may lie in the past)."""
        headers = self.roles.manager

        async def current_versions() -> list[dict[str, Any]]:
            response = await self.api.get(
                f"/api/v1/municipalities/{municipality}/parameters", headers=headers
            )
            return list(response.json()["versions"]) if response.status_code == 200 else []

        versions = await _until("the municipality's parameters", current_versions)
        since = date.fromisoformat(versions[-1]["valid_from"]) + timedelta(days=1)
        changed = await self.api.post(
            f"/api/v1/municipalities/{municipality}/parameters",
            json={"valid_from": since.isoformat(), "check_moment": "achteraf"},
            headers=headers,
        )
        _check(changed, 201)
        factory = ApplicationFactory(seed=575, number_offset=575_000)
        bodies = [factory.body(municipality) for _ in range(3)]
        await website(bodies)

        async def decided() -> list[str]:
            items = await self.cases(municipality, "decided_granted")
            return [str(c["id"]) for c in items] if len(items) >= 3 else []

        self.report.decided_at_once = await _until("the decisions without investigation", decided)

    async def campaign(self, municipality: str, rows: int = 12) -> None:
        """A re-examination import, the campaign started, the invitations in the print batch."""
        imported = await self.api.post(
            "/api/v1/imports/re-examinations",
            files={"file": ("heronderzoek-2027.csv", re_examination_csv(rows), "text/csv")},
            data={"municipality": municipality, "campaign": CAMPAIGN},
            headers=self.roles.handler,
        )
        import_id = _check(imported, 202)["import_id"]

        async def finished() -> bool:
            response = await self.api.get(
                f"/api/v1/imports/{import_id}", headers=self.roles.handler
            )
            return bool(_check(response, 200)["status"] != "processing")

        await _until("the re-examination import", finished, seconds=120)

        async def opened() -> bool:
            response = await self.api.get(
                "/api/v1/cases",
                params={"municipality": municipality, "campaign": CAMPAIGN, "limit": "200"},
                headers=self.roles.handler,
            )
            return len(_check(response, 200)["items"]) >= rows

        await _until("the re-examination cases", opened)
        template = await self.api.put(
            f"/api/v1/municipalities/{municipality}/templates/re_examination_invitation/post",
            json={
                "subject": "Uitnodiging heronderzoek Gemeentepolis",
                "body": "<p>$AANHEF$,</p><p>Elk jaar kijken wij of u nog recht heeft op de "
                "bijdrage voor de Gemeentepolis. Deel uw gegevens via $OCKTO_LINK$ "
                "of stuur ze ons via $UPLOAD_LINK$.</p>",
            },
            headers=self.roles.manager,
        )
        _check(template, 201, 200)
        path = f"/api/v1/campaigns/{municipality}/{CAMPAIGN}"

        async def started() -> bool:
            response = await self.api.post(path, headers=self.roles.handler)
            return response.status_code == 202

        await _until("the campaign start (its letters waiting)", started, seconds=90)

        seen: dict[str, Any] = {}

        async def completed() -> dict[str, Any] | None:
            seen.update(_check(await self.api.get(path, headers=self.roles.handler), 200))
            return seen if seen["status"] == "completed" else None

        try:
            progress = await _until("the campaign's letters", completed, seconds=180)
        except DemoError as error:  # say where the letters stand
            raise DemoError(f"{error}; last progress: {seen}") from error
        self.report.campaign_letters = int(progress["channels"].get("post", {}).get("sent", 0))

    async def count_statuses(self, municipalities: Iterable[str]) -> None:
        for code in municipalities:
            response = await self.api.get(
                "/api/v1/overview", params={"municipality": code}, headers=self.roles.handler
            )
            _check(response, 200)
        for status in (
            "received", "invited", "awaiting_data", "advice_ready", "on_hold",
            "under_investigation", "decided_granted", "decided_rejected", "not_processed",
            "aborted", "closed",
        ):  # fmt: skip
            total = 0
            for code in municipalities:
                total += len(await self.cases(code, status, limit=200))
            self.report.statuses[status] = total


async def run(
    api: httpx.AsyncClient,
    simulator: httpx.AsyncClient,
    roles: Roles,
    website: Callable[[list[bytes]], Awaitable[None]],
    where: Municipalities = Municipalities(),
) -> Report:
    """Every stage, in the order a municipality meets them; returns where to look.

    `website` publishes application bodies as the website does (the demo's applications must
    already be published: the stages take cases that wait for Ockto data)."""
    stages = Stages(api, simulator, roles)
    main = where.main
    needed = len(ADVICE_SCENARIOS) + 6

    async def enough_waiting() -> list[dict[str, Any]]:
        waiting = await stages.cases(main, "awaiting_data", limit=200)
        return waiting if len(waiting) >= needed else []

    waiting = await _until(f"{needed} cases waiting for Ockto data", enough_waiting, seconds=120)
    await stages.deliver_data(waiting[: len(ADVICE_SCENARIOS)])
    rest = waiting[len(ADVICE_SCENARIOS) :]

    grants = stages.report.advised["grant"]
    rejects = stages.report.advised["reject"]
    await stages.decide(grants[0], "granted", [])
    await stages.decide(grants[1], "granted", [])
    await stages.decide(rejects[0], "rejected", ["assets_too_high"])
    await stages.send_decision_letter(grants[0])
    await stages.send_decision_letter(rejects[0])
    await stages._reaches(grants[1], "decided_granted")
    await stages.transition(grants[1], "closed", "Besluit verstuurd en verwerkt", roles.handler)

    # A term to complete running, and one that passed and ended the application (Awb 4:5).
    stages.report.term_running = str(rest[0]["id"])
    await stages.request_information(stages.report.term_running)
    not_processed = str(rest[1]["id"])
    await stages.request_information(not_processed, term_days=1)
    await stages._reaches(not_processed, "under_investigation")
    await stages.transition(
        not_processed, "not_processed", "Gevraagde gegevens niet ontvangen", roles.decider
    )
    stages.report.not_processed = not_processed

    await stages.memo_hold_and_assign(str(rest[2]["id"]))
    await stages.transition(str(rest[3]["id"]), "aborted", "Aanvraag ingetrokken", roles.handler)
    restored = str(rest[4]["id"])
    await stages.transition(restored, "aborted", "Per abuis afgebroken", roles.handler)
    await stages.transition(restored, "received", "Afbreken was een vergissing", roles.decider)
    await stages.upload_through_portal(str(rest[5]["id"]))

    await stages.checked_afterwards(where.afterwards, website)
    await stages.campaign(where.campaign)
    await stages.count_statuses((main, where.campaign, where.afterwards))
    return stages.report
