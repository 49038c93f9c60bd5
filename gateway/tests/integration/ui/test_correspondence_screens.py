"""The correspondence screens: the case's Brieven (letters, bounces, schedules, informatie
opvragen, the beslisser's decision letter) and Sjablonen (list, editor, preview, save, Word).

The real correspondence service needs Typst, LibreOffice, SMTP and the case events before it
has letters; here a stand-in answers with the real service's own HTTP models
(`correspondence.*.schemas`) and its Dutch sentences (the sandbox's refusal of an unknown
merge field, the 409 of a template changed since the preview); what it was asked is recorded.
The cases are real (the cases service in this process).
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from correspondence.campaigns.schemas import CampaignProgress, ChannelProgress
from correspondence.letters.schemas import (
    STATUS_LABEL,
    CaseCorrespondence,
    DecisionLetterOut,
    LetterOut,
)
from correspondence.requests.schemas import InformationRequestIn, InformationRequestOut
from correspondence.templates.defaults import CHANNEL_LABEL, KIND_LABEL
from correspondence.templates.schemas import MergeFieldOut, PreviewOut, TemplateOut

from ..services import OpenedCase
from .conftest import MakeUser, UiApp, csrf_of, log_in

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CHANGED = "Het sjabloon is gewijzigd sinds de voorvertoning. Bekijk de brief opnieuw."
UNKNOWN_FIELD = "Onbekend samenvoegveld: $ONBEKEND$. Zie de lijst met velden voor de juiste namen."
MUNICIPALITY = "0553"


def letter(
    case_id: uuid.UUID, kind: str, channel: str, status: str, **changes: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "case_id": case_id,
        "kind": kind,
        "kind_label": KIND_LABEL[kind],
        "channel": channel,
        "channel_label": CHANNEL_LABEL[channel],
        "status": status,
        "status_label": STATUS_LABEL[status],
        "subject": "Uw aanvraag",
        "recipient": "jan@example.org" if channel == "email" else None,
        "campaign": None,
        "template_version_id": None,
        "pdf_template_version_id": None,
        "document_id": None,
        "message_id": None,
        "sealed": False,
        "attempts": 0,
        "next_attempt_at": None,
        "error": None,
        "print_date": None,
        "created_at": NOW - timedelta(days=3),
        "sent_at": None,
        "approved_by": None,
    }
    values.update(changes)
    return LetterOut.model_validate(values).model_dump(mode="json")


@dataclass
class Asked:
    method: str
    path: str
    body: Any


@dataclass
class CorrespondenceStandIn:
    app: FastAPI = field(default_factory=FastAPI)
    letters: dict[uuid.UUID, list[dict[str, Any]]] = field(default_factory=dict)
    requests: dict[uuid.UUID, list[dict[str, Any]]] = field(default_factory=dict)
    versions: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    asked: list[Asked] = field(default_factory=list)
    draft_version: uuid.UUID = field(default_factory=uuid.uuid4)
    campaigns: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        app = self.app

        @app.middleware("http")
        async def record(request: Request, call_next: Any) -> Response:
            body = await request.body()
            kind = request.headers.get("content-type", "")
            parsed: Any = body
            if kind.startswith("application/json") and body:
                parsed = json.loads(body)
            self.asked.append(Asked(request.method, request.url.path, parsed))
            response: Response = await call_next(request)
            return response

        @app.get("/cases/{case_id}/correspondence")
        async def correspondence(case_id: uuid.UUID) -> Any:
            letters = self.letters.get(case_id, [])
            bounced = [item for item in letters if item["status"] == "bounced"]
            return CaseCorrespondence.model_validate(
                {
                    "case_id": case_id,
                    "letters": letters,
                    "bounces": [
                        {
                            "letter_id": item["id"],
                            "recipient": item["recipient"],
                            "status": "5.1.1",
                            "diagnostic": "550 5.1.1 mailbox unavailable",
                            "source": "dsn",
                            "received_at": NOW - timedelta(days=1),
                        }
                        for item in bounced
                    ],
                    "schedules": [
                        {
                            "id": uuid.uuid4(),
                            "kind": kind,
                            "due_at": NOW + timedelta(days=days),
                            "status": status,
                            "outcome": None,
                            "request_id": None,
                        }
                        for kind, days, status in (
                            ("reminder", 7, "pending"),
                            ("term_expiry", 14, "pending"),
                            ("reminder", -2, "fired"),
                        )
                    ]
                    if letters
                    else [],
                }
            ).model_dump(mode="json")

        @app.get("/cases/{case_id}/information-requests")
        async def requests(case_id: uuid.UUID) -> Any:
            return self.requests.get(case_id, [])

        @app.post("/cases/{case_id}/information-requests", status_code=201)
        async def request_information(case_id: uuid.UUID, body: InformationRequestIn) -> Any:
            made = InformationRequestOut(
                id=uuid.uuid4(),
                case_id=case_id,
                items=body.items,
                message=body.message,
                term_days=body.term_days,
                term_ends_on=date(2026, 12, 1) + timedelta(days=body.term_days),
                status="open",
                requested_by="user:someone",
                requested_at=NOW,
                closed_at=None,
            ).model_dump(mode="json")
            self.requests.setdefault(case_id, []).append(made)
            return made

        @app.get("/cases/{case_id}/decision-letter")
        async def decision_letter(case_id: uuid.UUID) -> Any:
            drafts = [
                item for item in self.letters.get(case_id, []) if item["kind"] == "decision_granted"
            ]
            if not drafts:
                raise HTTPException(404, "Er is (nog) geen besluit voor deze zaak.")
            return DecisionLetterOut(
                case_id=case_id,
                kind="decision_granted",
                status="draft" if all(d["status"] == "draft" for d in drafts) else "queued",
                letter_ids=[d["id"] for d in drafts],
                channels=[d["channel"] for d in drafts],
                subject="Besluit op uw aanvraag",
                html="<p>Wij kennen uw aanvraag toe.</p>",
                text="Wij kennen uw aanvraag toe.",
                pdf_base64=base64.b64encode(PDF).decode(),
                template_versions={"email": None, "post": self.draft_version},
                errors=[],
            ).model_dump(mode="json")

        @app.post("/cases/{case_id}/decision-letter/send", status_code=202)
        async def send(case_id: uuid.UUID, request: Request) -> Any:
            raw = await request.body()
            body = json.loads(raw) if raw else {}
            expected = (body.get("template_versions") or {}).get("post")
            latest = self.versions.get(("decision_granted", "post"))
            if expected and latest and latest[-1]["id"] != expected:
                raise HTTPException(409, CHANGED)
            for item in self.letters.get(case_id, []):
                if item["status"] == "draft":
                    item["status"], item["status_label"] = "queued", STATUS_LABEL["queued"]
            return []

        @app.get("/correspondence/{letter_id}/content")
        async def content(letter_id: uuid.UUID, format: str = "pdf") -> Response:
            if format == "pdf":
                return Response(
                    PDF,
                    media_type="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="brief.pdf"'},
                )
            if format == "html":
                return Response(
                    "<html><body><p>Beste Jan,</p></body></html>", media_type="text/html"
                )
            raise HTTPException(404, "deze brief heeft (nog) geen inhoud in die vorm")

        @app.get("/campaigns/{code}/{campaign}")
        async def campaign_progress(code: str, campaign: str) -> Any:
            if campaign not in self.campaigns:
                raise HTTPException(404, "campagne niet gevonden")
            return CampaignProgress(
                municipality_code=code,
                campaign=campaign,
                status=self.campaigns[campaign],
                started_at=NOW,
                started_by="user:behandelaar@isd-bollenstreek",
                total=12,
                channels={
                    "post": ChannelProgress(pending=3, rendered=2, sent=6, failed=1),
                    "email": ChannelProgress(pending=0, rendered=0, sent=4, failed=0),
                },
            ).model_dump(mode="json")

        @app.post("/campaigns/{code}/{campaign}/pause")
        async def pause(code: str, campaign: str) -> Any:
            if self.campaigns.get(campaign) != "running":
                raise HTTPException(409, "De campagne loopt niet.")
            self.campaigns[campaign] = "paused"
            return await campaign_progress(code, campaign)

        @app.post("/campaigns/{code}/{campaign}/resume")
        async def resume(code: str, campaign: str) -> Any:
            self.campaigns[campaign] = "running"
            return await campaign_progress(code, campaign)

        @app.get("/municipalities/{code}/print-batches/{day}")
        async def print_batch(code: str, day: date) -> Response:
            if day != date(2026, 12, 1):
                raise HTTPException(404, f"Geen brieven voor de post op {day.isoformat()}.")
            return Response(
                PDF,
                media_type="application/pdf",
                headers={
                    "Content-Disposition": f'attachment; filename="printbatch-{code}-{day}.pdf"',
                    "X-Letter-Count": "3",
                },
            )

        @app.get("/merge-fields")
        async def merge_fields() -> Any:
            return [
                MergeFieldOut(
                    name="AANVRAAGNUMMER",
                    placeholder="$AANVRAAGNUMMER$",
                    description="Het nummer van de aanvraag",
                    example="GV-2026-0001234",
                ).model_dump(mode="json")
            ]

        def template(code: str, kind: str, channel: str) -> dict[str, Any]:
            saved = self.versions.get((kind, channel))
            if saved:
                return saved[-1]
            return self.template_out(code, kind, channel, version=0, body="<p>Standaard</p>")

        @app.get("/municipalities/{code}/templates")
        async def templates(code: str) -> Any:
            return [
                template(code, kind, channel) for kind in KIND_LABEL for channel in CHANNEL_LABEL
            ]

        @app.get("/municipalities/{code}/templates/{kind}/{channel}")
        async def get_template(code: str, kind: str, channel: str) -> Any:
            return template(code, kind, channel)

        @app.get("/municipalities/{code}/templates/{kind}/{channel}/versions")
        async def versions(code: str, kind: str, channel: str) -> Any:
            return self.versions.get((kind, channel), [])

        @app.put("/municipalities/{code}/templates/{kind}/{channel}", status_code=201)
        async def put_template(code: str, kind: str, channel: str, request: Request) -> Any:
            if request.headers.get("content-type", "").startswith("multipart/form-data"):
                async with request.form() as form:
                    upload = form.get("file")
                    assert upload is not None
                    assert not isinstance(upload, str)
                    data, name = await upload.read(), upload.filename
                    subject = str(form.get("subject") or "Brief")
                if not data.startswith(b"PK"):
                    raise HTTPException(422, "Dit is geen Word-document (.docx).")
                saved = self.template_out(code, kind, channel, body=None, subject=subject)
                saved["format"], saved["file_name"] = "docx", name
            else:
                body = await request.json()
                if "$ONBEKEND$" in body["body"]:
                    return JSONResponse({"detail": UNKNOWN_FIELD}, status_code=422)
                saved = self.template_out(
                    code, kind, channel, body=body["body"], subject=body["subject"]
                )
            self.versions.setdefault((kind, channel), []).append(saved)
            return saved

        @app.post("/municipalities/{code}/templates/{kind}/{channel}/preview")
        async def preview(code: str, kind: str, channel: str, request: Request) -> Any:
            body = await request.json()
            if "$ONBEKEND$" in (body.get("body") or ""):
                raise HTTPException(422, UNKNOWN_FIELD)
            return PreviewOut(
                case_id=body["case_id"],
                template_version_id=None,
                subject=body.get("subject") or "Onderwerp",
                html="<p>Voorbeeld voor " + str(body["case_id"]) + "</p>",
                text="Voorbeeld",
                pdf_base64=base64.b64encode(PDF).decode(),
            ).model_dump(mode="json")

    def template_out(
        self,
        code: str,
        kind: str,
        channel: str,
        *,
        version: int | None = None,
        body: str | None,
        subject: str = "Onderwerp",
    ) -> dict[str, Any]:
        number = version if version is not None else len(self.versions.get((kind, channel), [])) + 1
        return TemplateOut(
            id=uuid.UUID(int=0) if number == 0 else uuid.uuid4(),
            municipality_code=code,
            kind=kind,
            kind_label=KIND_LABEL[kind],
            channel=channel,
            channel_label=CHANNEL_LABEL[channel],
            version=number,
            format="html",
            subject=subject,
            body=body,
            file_name=None,
            fields=[],
            is_default=number == 0,
            created_by="user:beheer@isd-bollenstreek" if number else "system",
            created_at=NOW,
        ).model_dump(mode="json")

    def paths(self, method: str = "GET") -> list[str]:
        return [asked.path for asked in self.asked if asked.method == method]


@pytest.fixture
def correspondence(ui: UiApp) -> CorrespondenceStandIn:
    stand_in = CorrespondenceStandIn()
    ui.use("correspondence", stand_in.app)
    return stand_in


@pytest.fixture
async def case_with_letters(ui: UiApp, correspondence: CorrespondenceStandIn) -> OpenedCase:
    case = await ui.services.open_case(MUNICIPALITY)
    correspondence.letters[case.id] = [
        letter(case.id, "acknowledgement", "email", "sent", sent_at=NOW - timedelta(days=3)),
        letter(
            case.id,
            "data_invitation",
            "post",
            "retry",
            attempts=2,
            error="De opmaakdienst (LibreOffice) is niet bereikbaar.",
            next_attempt_at=NOW + timedelta(minutes=2),
        ),
        letter(case.id, "reminder", "email", "bounced", error="Onbestelbaar: 550 5.1.1"),
        letter(
            case.id,
            "information_request",
            "post",
            "failed",
            attempts=10,
            error="Geen postadres bekend voor deze inwoner.",
        ),
        letter(case.id, "decision_granted", "post", "draft"),
    ]
    return case


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


async def test_the_brieven_section_lists_letters_status_errors_bounces_and_schedules(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceStandIn,
    case_with_letters: OpenedCase,
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))

    page = await ui.http.get(f"/ui/cases/{case_with_letters.id}")

    assert page.status_code == 200
    letters = _section(page.text, "brieven-kop")
    for expected in (
        "Ontvangstbevestiging",
        "Uitnodiging gegevens aanleveren",
        "E-mail",
        "Post",
        "Verzonden",
        "Opnieuw proberen",
        "De opmaakdienst (LibreOffice) is niet bereikbaar.",
        "Volgende poging:",
        "Niet verzonden",
        "Geen postadres bekend voor deze inwoner.",
        "Na 10 pogingen",
        "Onbestelbaar",
        "550 5.1.1 mailbox unavailable",
        "Concept (wacht op akkoord)",
        "Herinnering:",
        "Einde hersteltermijn:",
        "Sjabloon: standaard",
        "Informatie opvragen",
    ):
        assert expected in letters, expected
    assert letters.count("Herinnering:") == 1, "only the pending schedules"
    assert "Akkoord en verzenden" not in letters, "a behandelaar does not decide"
    assert "/decision-letter" not in " ".join(correspondence.paths())
    link = re.search(r'href="(/ui/brieven/[0-9a-f-]{36}/inhoud\?vorm=pdf)"', letters)
    assert link is not None
    shown = await ui.http.get(link.group(1))
    assert shown.status_code == 200
    assert shown.content == PDF
    assert shown.headers["content-type"] == "application/pdf"
    assert "/content" in correspondence.paths()[-1]
    mail = re.search(r'href="(/ui/brieven/[0-9a-f-]{36}/inhoud\?vorm=html)"', letters)
    assert mail is not None
    html = await ui.http.get(mail.group(1).replace("&amp;", "&"))
    assert html.status_code == 200
    assert "Beste Jan" in html.text
    assert any("sandbox" in value for value in html.headers.get_list("content-security-policy"))
    missing = await ui.http.get(mail.group(1).replace("vorm=html", "vorm=tekst"))
    assert missing.status_code == 404
    assert "Deze brief heeft (nog) geen inhoud in die vorm." in missing.text


async def test_a_behandelaar_requests_information_with_a_term(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceStandIn,
    case_with_letters: OpenedCase,
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    page = await ui.http.get(f"/ui/cases/{case_with_letters.id}")
    assert 'value="14"' in _section(page.text, "brieven-kop"), "the default term"
    url = f"/ui/cases/{case_with_letters.id}/informatie-opvragen"

    empty = await ui.http.post(
        url, data={"items": "  \n ", "term_days": "14", "csrf_token": csrf_of(page)}
    )
    too_long = await ui.http.post(
        url, data={"items": "Loonstrook", "term_days": "120", "csrf_token": csrf_of(page)}
    )
    done = await ui.http.post(
        url,
        data={
            "items": "Loonstrook oktober\r\n\r\nBankafschrift november\n",
            "term_days": "",
            "message": "Graag binnen de termijn.",
            "csrf_token": csrf_of(page),
        },
        follow_redirects=True,
    )

    assert empty.status_code == 400
    assert 'id="request_items-fout"' in empty.text
    assert "De informatie is niet opgevraagd." in empty.text
    assert too_long.status_code == 400
    assert "van 1 tot en met 90" in too_long.text
    assert done.status_code == 200, done.text
    assert "Het verzoek om informatie is verstuurd" in done.text
    sent = [asked for asked in correspondence.asked if asked.method == "POST"]
    assert len(sent) == 1
    assert sent[0].body == {
        "items": ["Loonstrook oktober", "Bankafschrift november"],
        "term_days": 14,
        "message": "Graag binnen de termijn.",
    }
    section = _section(done.text, "brieven-kop")
    assert "Loonstrook oktober" in section
    assert "15-12-2026" in section, "the term's last day"


async def test_a_beslisser_views_and_approves_the_decision_letter(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceStandIn,
    case_with_letters: OpenedCase,
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "beslisser"))
    page = await ui.http.get(f"/ui/cases/{case_with_letters.id}")
    section = _section(page.text, "brieven-kop")
    assert "Besluitbrief bekijken" in section
    assert "Akkoord en verzenden" in section
    assert f'name="version_post" value="{correspondence.draft_version}"' in section

    preview = await ui.http.get(f"/ui/cases/{case_with_letters.id}/besluitbrief")
    assert preview.status_code == 200
    assert preview.content == PDF

    # A template saved since the preview: the service refuses and says why.
    correspondence.versions[("decision_granted", "post")] = [
        correspondence.template_out(MUNICIPALITY, "decision_granted", "post", body="<p>x</p>")
    ]
    refused = await ui.http.post(
        f"/ui/cases/{case_with_letters.id}/besluitbrief/verzenden",
        data={"version_post": str(correspondence.draft_version), "csrf_token": csrf_of(page)},
    )
    assert refused.status_code == 409
    assert CHANGED in refused.text
    assert "De besluitbrief is niet verzonden." in refused.text

    correspondence.versions.clear()
    sent = await ui.http.post(
        f"/ui/cases/{case_with_letters.id}/besluitbrief/verzenden",
        data={"version_post": str(correspondence.draft_version), "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    assert sent.status_code == 200
    assert "de besluitbrief wordt verzonden" in sent.text
    assert "Akkoord en verzenden" not in sent.text
    body = [a.body for a in correspondence.asked if a.path.endswith("/send")][-1]
    assert body == {"template_versions": {"post": str(correspondence.draft_version)}}


async def test_roles_and_a_service_that_is_down(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceStandIn,
    case_with_letters: OpenedCase,
) -> None:
    reader = httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
    auditor = httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
    async with reader, auditor:
        await log_in(reader, await make_user("isd-bollenstreek", "raadpleger"))
        await log_in(auditor, await make_user("isd-bollenstreek", "auditor"))
        as_reader = await reader.get(f"/ui/cases/{case_with_letters.id}")
        as_auditor = await auditor.get(f"/ui/cases/{case_with_letters.id}")
        refused = await reader.post(
            f"/ui/cases/{case_with_letters.id}/informatie-opvragen",
            data={"items": "Loonstrook", "csrf_token": csrf_of(as_reader)},
        )
        not_sent = await reader.post(
            f"/ui/cases/{case_with_letters.id}/besluitbrief/verzenden",
            data={"csrf_token": csrf_of(as_reader)},
        )
        ui.take_down("correspondence")
        down = await reader.get(f"/ui/cases/{case_with_letters.id}")

    section = _section(as_reader.text, "brieven-kop")
    assert "Ontvangstbevestiging" in section
    assert 'action="/ui/cases/' not in section, "a raadpleger has no forms here"
    assert refused.status_code == 403
    assert not_sent.status_code == 403
    assert 'id="brieven-kop"' not in as_auditor.text
    assert down.status_code == 200
    assert "De correspondentie-dienst is op dit moment niet bereikbaar." in _section(
        down.text, "brieven-kop"
    )
    assert "Huishouden" in down.text


async def test_the_functioneel_beheerder_edits_previews_and_saves_a_template(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceStandIn,
) -> None:
    case = await ui.services.open_case(MUNICIPALITY)
    await log_in(ui.http, await make_user("isd-bollenstreek", "functioneel_beheerder"))
    overview = await ui.http.get("/ui/")
    assert 'href="/ui/sjablonen"' in overview.text

    listing = await ui.http.get(f"/ui/sjablonen/{MUNICIPALITY}")
    assert listing.status_code == 200
    assert "Besluit: afgewezen" in listing.text
    assert "Standaard (versie 0)" in listing.text
    editor_url = f"/ui/sjablonen/{MUNICIPALITY}/decision_rejected/post"
    editor = await ui.http.get(editor_url)
    assert editor.status_code == 200
    assert "$AANVRAAGNUMMER$" in editor.text
    assert "Het nummer van de aanvraag" in editor.text
    assert "&lt;p&gt;Standaard&lt;/p&gt;" in editor.text
    assert "Word-brief uploaden" in editor.text

    refused = await ui.http.post(
        editor_url,
        data={"subject": "Besluit", "body": "<p>$ONBEKEND$</p>", "csrf_token": csrf_of(editor)},
    )
    assert refused.status_code == 422
    assert 'id="body-fout"' in refused.text
    assert UNKNOWN_FIELD in refused.text
    assert "&lt;p&gt;$ONBEKEND$&lt;/p&gt;" in refused.text, "what was typed stays"

    previewed = await ui.http.post(
        f"{editor_url}/voorbeeld",
        data={
            "subject": "Besluit",
            "body": "<p>$AANVRAAGNUMMER$</p>",
            "case": case.application_number,
            "csrf_token": csrf_of(editor),
        },
    )
    assert previewed.status_code == 200, previewed.text
    assert "<iframe" in previewed.text
    assert "sandbox" in previewed.text
    assert f"Voorbeeld voor {case.id}" in previewed.text
    asked = [a.body for a in correspondence.asked if a.path.endswith("/preview")][-1]
    assert asked == {
        "case_id": str(case.id),
        "body": "<p>$AANVRAAGNUMMER$</p>",
        "subject": "Besluit",
    }
    unknown_case = await ui.http.post(
        f"{editor_url}/voorbeeld",
        data={"case": "GV-2026-9999999", "csrf_token": csrf_of(editor)},
    )
    assert unknown_case.status_code == 422
    assert "Geen case met nummer GV-2026-9999999 bij deze gemeente." in unknown_case.text
    pdf = await ui.http.post(
        f"{editor_url}/voorbeeld.pdf",
        data={"case": str(case.id), "csrf_token": csrf_of(editor)},
    )
    assert pdf.status_code == 200
    assert pdf.content == PDF

    saved = await ui.http.post(
        editor_url,
        data={
            "subject": "Besluit",
            "body": "<p>$AANVRAAGNUMMER$</p>",
            "csrf_token": csrf_of(editor),
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "Het sjabloon is opgeslagen als nieuwe versie." in saved.text
    assert "Versie 1" in saved.text

    word = await ui.http.post(
        f"{editor_url}/word",
        data={"word_subject": "Besluit", "csrf_token": csrf_of(editor)},
        files={"file": ("besluit.docx", b"PK\x03\x04 word", "application/octet-stream")},
        follow_redirects=True,
    )
    assert word.status_code == 200
    assert "De Word-brief is opgeslagen als nieuwe versie." in word.text
    not_word = await ui.http.post(
        f"{editor_url}/word",
        data={"csrf_token": csrf_of(editor)},
        files={"file": ("besluit.docx", b"geen zip", "application/octet-stream")},
    )
    assert not_word.status_code == 422
    assert "Dit is geen Word-document (.docx)." in not_word.text
    assert 'id="word_file-fout"' in not_word.text


async def test_a_behandelaar_reads_templates_but_does_not_save(
    ui: UiApp, make_user: MakeUser, correspondence: CorrespondenceStandIn
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    overview = await ui.http.get("/ui/")
    editor = await ui.http.get(f"/ui/sjablonen/{MUNICIPALITY}/acknowledgement/email")
    refused = await ui.http.post(
        f"/ui/sjablonen/{MUNICIPALITY}/acknowledgement/email",
        data={"subject": "x", "body": "<p>x</p>", "csrf_token": csrf_of(editor)},
    )
    outside = await ui.http.get("/ui/sjablonen/0363")

    assert 'href="/ui/sjablonen"' not in overview.text
    assert editor.status_code == 200
    assert "Opslaan als nieuwe versie" not in editor.text
    assert "readonly" in editor.text
    assert refused.status_code == 403
    assert outside.status_code == 404
    assert correspondence.paths("PUT") == []


async def test_campaign_progress_pause_resume_and_the_print_batch(
    ui: UiApp, make_user: MakeUser, correspondence: CorrespondenceStandIn
) -> None:
    correspondence.campaigns["Heronderzoek 2027"] = "running"
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    overview = await ui.http.get("/ui/")
    assert 'href="/ui/campagnes"' in overview.text

    page = await ui.http.get(
        "/ui/campagnes", params={"gemeente": MUNICIPALITY, "campagne": "Heronderzoek 2027"}
    )
    assert page.status_code == 200
    for expected in ("Loopt", "Totaal", "Post", "E-mail", ">6<", "Pauzeren"):
        assert expected in page.text, expected
    assert "/campaigns/0553/Heronderzoek%202027" in [
        str(a.path).replace(" ", "%20") for a in correspondence.asked
    ]
    paused = await ui.http.post(
        "/ui/campagnes/pauzeren",
        data={
            "gemeente": MUNICIPALITY,
            "campagne": "Heronderzoek 2027",
            "csrf_token": csrf_of(page),
        },
        follow_redirects=True,
    )
    assert paused.status_code == 200
    assert "De campagne is gepauzeerd." in paused.text
    assert "Gepauzeerd" in paused.text
    assert "Hervatten" in paused.text
    again = await ui.http.post(
        "/ui/campagnes/pauzeren",
        data={
            "gemeente": MUNICIPALITY,
            "campagne": "Heronderzoek 2027",
            "csrf_token": csrf_of(page),
        },
    )
    assert again.status_code == 409
    assert "De campagne is niet gepauzeerd. De campagne loopt niet." in again.text
    unknown = await ui.http.get(
        "/ui/campagnes", params={"gemeente": MUNICIPALITY, "campagne": "Bestaat niet"}
    )
    assert "Deze campagne is (nog) niet bekend bij deze gemeente." in unknown.text

    batch = await ui.http.get(
        "/ui/printbatches", params={"gemeente": MUNICIPALITY, "datum": "2026-12-01"}
    )
    assert batch.status_code == 200
    assert batch.content == PDF
    assert "attachment" in batch.headers["content-disposition"]
    none = await ui.http.get(
        "/ui/printbatches", params={"gemeente": MUNICIPALITY, "datum": "2026-12-02"}
    )
    assert none.status_code == 404
    assert "Geen brieven voor de post op 2026-12-02." in none.text
    assert 'id="print_datum-fout"' in none.text


async def test_a_raadpleger_follows_a_campaign_but_does_not_pause_or_print(
    ui: UiApp, make_user: MakeUser, correspondence: CorrespondenceStandIn
) -> None:
    correspondence.campaigns["Heronderzoek 2027"] = "running"
    await log_in(ui.http, await make_user("isd-bollenstreek", "raadpleger"))
    page = await ui.http.get(
        "/ui/campagnes", params={"gemeente": MUNICIPALITY, "campagne": "Heronderzoek 2027"}
    )
    refused = await ui.http.post(
        "/ui/campagnes/pauzeren",
        data={
            "gemeente": MUNICIPALITY,
            "campagne": "Heronderzoek 2027",
            "csrf_token": csrf_of(page),
        },
    )
    batch = await ui.http.get(
        "/ui/printbatches", params={"gemeente": MUNICIPALITY, "datum": "2026-12-01"}
    )

    assert page.status_code == 200
    assert "Loopt" in page.text
    assert "Pauzeren" not in page.text
    assert "Printbatch downloaden" not in page.text
    assert refused.status_code == 403
    assert batch.status_code == 403
