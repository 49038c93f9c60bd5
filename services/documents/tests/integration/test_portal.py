"""The resident's portal through its HTTP routes: the page, several files at once, the
receipt, and every way a link stops working; rate limits per address and per link."""

from __future__ import annotations

import asyncio
import itertools
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from documents.portal.api import ADDRESS_HEADER, client_address
from servicekit.auth import TOKEN_HEADER, Principal, issue_token

from .. import samples
from .support import Harness

_ADDRESSES = itertools.count(1)


def resident(harness: Harness, address: str | None = None) -> dict[str, str]:
    """What the gateway adds: the client's address, believed next to an internal token."""
    gateway = Principal(subject="gateway:inwoner", organisation="platform", role="raadpleger")
    return {
        TOKEN_HEADER: issue_token(gateway, secret=harness.settings.internal_token_secret),
        ADDRESS_HEADER: address or f"198.51.100.{next(_ADDRESSES) % 250}",
    }


async def make_link(
    harness: Harness, case_id: uuid.UUID, *, days: int = 7, key: str | None = None
) -> httpx.Response:
    body: dict[str, object] = {
        "purpose": "income_evidence",
        "expires_at": (datetime.now(UTC) + timedelta(days=days)).isoformat(),
        "message": "Stuur uw loonstroken van oktober en november. <script>alert(1)</script>",
    }
    if key:
        body["idempotency_key"] = key
    return await harness.client.post(
        f"/cases/{case_id}/upload-links", json=body, headers=harness.headers()
    )


def path_of(url: str) -> str:
    return url.removeprefix("http://gateway.test")


@pytest.fixture
async def link(harness: Harness) -> tuple[uuid.UUID, str, str]:
    """A case of Amsterdam and a fresh link: (case id, link id, portal path)."""
    await harness.register_municipality("0363", "Amsterdam")
    case_id = await harness.open_case("0363")
    created = await make_link(harness, case_id)
    assert created.status_code == 201, created.text
    return case_id, created.json()["id"], path_of(created.json()["url"])


async def test_the_page_says_what_is_asked_and_until_when(
    harness: Harness, link: tuple[uuid.UUID, str, str]
) -> None:
    _, _, path = link
    page = await harness.client.get(path, headers=resident(harness))
    assert page.status_code == 200
    assert "Amsterdam" in page.text
    assert "Bewijs van uw inkomen" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert re.search(r"vóór \d{1,2} [a-z]+ 20\d\d om \d\d:\d\d", page.text)
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text.replace(
        '<script src="/inwoner/static/portal.js" defer></script>', ""
    )
    script = await harness.client.get("/inwoner/static/portal.js")
    assert script.status_code == 200


async def test_the_same_idempotency_key_gives_the_same_link(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    first, second = await asyncio.gather(
        make_link(harness, case_id, key="request-1"), make_link(harness, case_id, key="request-1")
    )
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json() == second.json()
    listing = await harness.client.get(f"/cases/{case_id}/upload-links", headers=harness.headers())
    assert len(listing.json()["items"]) == 1
    assert "url" not in listing.json()["items"][0]


async def test_two_files_at_once_then_the_receipt(
    harness: Harness, link: tuple[uuid.UUID, str, str]
) -> None:
    case_id, link_id, path = link
    response = await harness.client.post(
        path,
        files=[
            ("bestanden", ("loonstrook oktober.pdf", samples.pdf(), "application/pdf")),
            ("bestanden", ("IMG_2231.HEIC", samples.heic(), "image/heic")),
        ],
        headers=resident(harness),
    )
    assert response.status_code == 303, response.text
    receipt = await harness.client.get(response.headers["location"], headers=resident(harness))
    assert receipt.status_code == 200
    assert "loonstrook oktober.pdf" in receipt.text
    assert "IMG_2231.jpg" in receipt.text
    stored = await harness.documents_of(case_id)
    assert {(d.source, str(d.upload_link_id), d.purpose) for d in stored} == {
        ("resident", link_id, "income_evidence")
    }
    added = await harness.outbox("documents.document.added", case_id)
    assert [event["data"]["source"] for event in added] == ["resident", "resident"]
    assert {event["data"]["added_by"] for event in added} == {"resident"}


async def test_the_page_script_uploads_one_file_and_gets_json(
    harness: Harness, link: tuple[uuid.UUID, str, str]
) -> None:
    _, _, path = link
    response = await harness.client.post(
        path,
        files=[("bestanden", ("scan.png", samples.png(), "image/png"))],
        headers={**resident(harness), "Accept": "application/json"},
    )
    assert response.status_code == 201
    assert response.json()["documents"][0]["file_name"] == "scan.png"


async def test_a_bad_file_gets_a_clear_page_and_nothing_is_kept(
    harness: Harness, link: tuple[uuid.UUID, str, str]
) -> None:
    case_id, _, path = link
    response = await harness.client.post(
        path,
        files=[
            ("bestanden", ("goed.pdf", samples.pdf(), "application/pdf")),
            ("bestanden", ("brief.pdf", samples.pdf_with_javascript(), "application/pdf")),
        ],
        headers=resident(harness),
    )
    assert response.status_code == 422
    assert "Geen van uw bestanden is opgeslagen" in response.text
    assert "brief.pdf" in response.text
    assert f'href="{path}"' in response.text
    assert await harness.documents_of(case_id) == []


@pytest.mark.parametrize("how", ["expired", "case_closed", "withdrawn", "decided"])
async def test_a_link_that_stopped_says_so_and_whom_to_contact(
    harness: Harness, link: tuple[uuid.UUID, str, str], how: str
) -> None:
    case_id, link_id, path = link
    runtime = harness.app.state.runtime
    if how == "expired":
        runtime.clock.advance(timedelta(days=8))
    elif how == "case_closed":
        await harness.change_status(case_id, "closed")
    elif how == "decided":
        await harness.change_status(case_id, "decided_rejected")
    else:
        withdrawn = await harness.client.delete(
            f"/upload-links/{link_id}", headers=harness.headers()
        )
        assert withdrawn.status_code == 204
    try:
        page = await harness.client.get(path, headers=resident(harness))
        upload = await harness.client.post(
            path,
            files=[("bestanden", ("a.pdf", samples.pdf(), "application/pdf"))],
            headers=resident(harness),
        )
    finally:
        runtime.clock.set_offset(timedelta())
    expected = {
        "expired": "verlopen",
        "case_closed": "afgerond",
        "decided": "afgerond",
        "withdrawn": "ingetrokken",
    }[how]
    assert page.status_code == 410
    assert expected in page.text
    assert "contact op met de gemeente Amsterdam" in page.text
    assert upload.status_code == 410
    assert await harness.documents_of(case_id) == []


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:10],
        lambda token: "x" * 43,
    ],
    ids=["changed", "cut", "made-up"],
)
async def test_a_tampered_link_does_not_work(
    harness: Harness, link: tuple[uuid.UUID, str, str], tamper: object
) -> None:
    case_id, _, path = link
    token = path.rsplit("/", 1)[1]
    bad = path.replace(token, tamper(token))  # type: ignore[operator]
    page = await harness.client.get(bad, headers=resident(harness))
    upload = await harness.client.post(
        bad, files=[("bestanden", ("a.pdf", samples.pdf()))], headers=resident(harness)
    )
    assert page.status_code == 404
    assert "Deze link werkt niet" in page.text
    assert upload.status_code == 404
    assert await harness.documents_of(case_id) == []


async def test_a_link_adds_only_to_its_own_case(
    harness: Harness, link: tuple[uuid.UUID, str, str]
) -> None:
    case_id, _, path = link
    other = await harness.open_case("0599")
    response = await harness.client.post(
        path,
        data={"case_id": str(other)},
        files=[("bestanden", ("a.pdf", samples.pdf(), "application/pdf"))],
        headers=resident(harness),
    )
    assert response.status_code == 303
    assert len(await harness.documents_of(case_id)) == 1
    assert await harness.documents_of(other) == []


async def test_a_link_cannot_be_made_for_a_closed_case_or_the_past(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    past = await make_link(harness, case_id, days=-1)
    far = await make_link(harness, case_id, days=400)
    await harness.change_status(case_id, "closed")
    closed = await make_link(harness, case_id)
    assert (past.status_code, far.status_code, closed.status_code) == (422, 422, 409)


async def test_100_uploads_in_a_minute_from_one_address_are_refused_beyond_the_limit(
    harness: Harness,
) -> None:
    runtime = harness.app.state.runtime
    now = datetime.now(UTC)
    next_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1, seconds=1)
    runtime.clock.set_offset(next_minute - now)  # the whole burst inside one minute
    cases = [await harness.open_case("0363") for _ in range(5)]
    paths = [path_of((await make_link(harness, case)).json()["url"]) for case in cases]
    own_link = path_of((await make_link(harness, await harness.open_case("0363"))).json()["url"])
    address = resident(harness)
    limit = harness.settings.portal_uploads_per_address_per_minute
    try:
        answers = await asyncio.gather(
            *(
                harness.client.post(
                    paths[n % 5],
                    files=[("bestanden", (f"scan-{n}.png", samples.png(), "image/png"))],
                    headers=address,
                )
                for n in range(100)
            )
        )
        # In the same minute (the moved clock), another resident with a link of their own.
        other_address = await harness.client.post(
            own_link, files=[("bestanden", ("a.png", samples.png()))], headers=resident(harness)
        )
    finally:
        runtime.clock.set_offset(timedelta())
    codes = [answer.status_code for answer in answers]
    assert codes.count(303) == limit
    assert codes.count(429) == 100 - limit
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert "te veel bestanden" in refused.text
    assert refused.headers["retry-after"] == "60"
    stored = sum([len(await harness.documents_of(case)) for case in cases])
    assert stored == limit
    assert other_address.status_code == 303


async def test_the_limit_per_link_holds_across_addresses(
    harness: Harness, link: tuple[uuid.UUID, str, str]
) -> None:
    case_id, _, path = link
    limit = harness.settings.portal_uploads_per_link_per_minute
    codes = [
        (
            await harness.client.post(
                path, files=[("bestanden", ("a.png", samples.png()))], headers=resident(harness)
            )
        ).status_code
        for _ in range(limit + 3)
    ]
    assert codes.count(429) >= 3
    assert len(await harness.documents_of(case_id)) == codes.count(303)


async def test_the_address_header_counts_only_from_the_gateway(
    harness: Harness, link: tuple[uuid.UUID, str, str]
) -> None:
    _, _, path = link
    pretend = {ADDRESS_HEADER: "203.0.113.9"}
    trusted = resident(harness, "203.0.113.9")
    settings = harness.settings

    class Fake:
        def __init__(self, headers: dict[str, str]) -> None:
            self.headers = headers
            self.client = type("C", (), {"host": "10.1.2.3"})()

    assert client_address(Fake(pretend), settings) == "10.1.2.3"  # type: ignore[arg-type]
    assert client_address(Fake(trusted), settings) == "203.0.113.9"  # type: ignore[arg-type]
    forged = {**trusted, TOKEN_HEADER: "not-a-token"}
    assert client_address(Fake(forged), settings) == "10.1.2.3"  # type: ignore[arg-type]
    assert (await harness.client.get(path, headers=pretend)).status_code == 200
