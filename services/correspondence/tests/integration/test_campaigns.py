"""Campaigns in one process: no start without an invitation template; pause holds what has
not gone, resume sends the rest, no letter twice; progress per channel."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from contracts.licences import Licence
from contracts.organisations import LicenceChanged
from servicekit.testing import eventually

from .conftest import Correspondence
from .helpers import opened, session_started
from .support import BEHANDELAAR, BEHEERDER, CODE, publish

CAMPAIGN = "Heronderzoek 2028"
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
URL = f"/campaigns/{CODE}/{quote(CAMPAIGN)}"


async def progress(correspondence: Correspondence) -> dict:  # type: ignore[type-arg]
    response = await correspondence.client.get(URL, headers=correspondence.headers(BEHANDELAAR))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def save_invitation(correspondence: Correspondence) -> httpx.Response:
    """The municipality's own invitation (a campaign starts only with one)."""
    return await correspondence.client.put(
        f"/municipalities/{CODE}/templates/re_examination_invitation/post",
        json={"subject": "Heronderzoek", "body": "<p>$AANHEF$, doe mee: $OCKTO_LINK$</p>"},
        headers=correspondence.headers(BEHEERDER),
    )


async def invitations_held(
    correspondence: Correspondence, campaign: str, count: int
) -> tuple[str, list[Any]]:
    """The municipality's invitation template saved and `count` re-examinations opened for
    `campaign`, their invitations filed and held: the campaign's URL and the cases."""
    assert (await save_invitation(correspondence)).status_code in {200, 201}
    url = f"/campaigns/{CODE}/{quote(campaign)}"
    cases = [
        await opened(correspondence, kind="re_examination", campaign=campaign, email=None)
        for _ in range(count)
    ]
    await publish(correspondence.bus, *(session_started(case) for case in cases))

    async def all_held() -> bool:
        response = await correspondence.client.get(url, headers=correspondence.headers(BEHANDELAAR))
        return bool(response.json()["channels"].get("post", {}).get("pending") == count)

    await eventually(all_held)
    return url, cases


async def test_campaign_needs_a_template_and_pauses_and_resumes(
    correspondence: Correspondence,
) -> None:
    headers = correspondence.headers(BEHANDELAAR)
    cases = [
        await opened(correspondence, kind="re_examination", campaign=CAMPAIGN, email=None)
        for _ in range(6)
    ]
    await publish(correspondence.bus, *(session_started(case) for case in cases))

    async def all_held() -> bool:
        return (await progress(correspondence))["channels"].get("post", {}).get("pending") == 6

    await eventually(all_held)
    refused = await correspondence.client.post(URL, headers=headers)
    assert refused.status_code == 409
    assert "uitnodiging" in refused.json()["detail"]
    assert correspondence.smtp.count() == 0
    saved = await save_invitation(correspondence)
    assert saved.status_code == 201
    paused_before = await correspondence.client.post(f"{URL}/pause", headers=headers)
    assert paused_before.status_code == 404  # not started yet
    started = await correspondence.client.post(URL, headers=headers)
    assert started.status_code == 202
    paused = await correspondence.client.post(f"{URL}/pause", headers=headers)
    assert paused.json()["status"] == "paused"

    async def settled() -> bool:
        channels = (await progress(correspondence))["channels"]["post"]
        return bool(channels["sent"] + channels["pending"] == 6 and channels["rendered"] == 0)

    await eventually(settled)
    before = (await progress(correspondence))["channels"]["post"]["sent"]
    resumed = await correspondence.client.post(f"{URL}/resume", headers=headers)
    assert resumed.json()["status"] in {"running", "completed"}

    async def completed() -> bool:
        return (await progress(correspondence))["status"] == "completed"

    await eventually(completed)
    final = await progress(correspondence)
    assert final["channels"]["post"] == {"pending": 0, "rendered": 0, "sent": 6, "failed": 0}
    assert before <= 6
    sent = await correspondence.scalar(
        "SELECT count(*) FROM outbox WHERE routing_key = 'correspondence.letter.sent'"
    )
    assert sent == 6


async def test_invitations_filed_while_the_campaign_starts_are_all_sent(
    correspondence: Correspondence,
) -> None:
    """The start and the invitations race: each invitation is filed `held` or `queued`, never
    `held` after the start released the held ones (it would wait forever)."""
    campaign = "Heronderzoek 2029"
    url = f"/campaigns/{CODE}/{quote(campaign)}"
    saved = await save_invitation(correspondence)
    assert saved.status_code in {200, 201}
    cases = [
        await opened(correspondence, kind="re_examination", campaign=campaign, email=None)
        for _ in range(40)
    ]
    events = [session_started(case) for case in cases]
    await publish(correspondence.bus, *events[:20])
    publishing = asyncio.create_task(publish(correspondence.bus, *events[20:]))
    started = await correspondence.client.post(url, headers=correspondence.headers(BEHANDELAAR))
    assert started.status_code == 202
    await publishing

    async def completed() -> bool:
        response = await correspondence.client.get(url, headers=correspondence.headers(BEHANDELAAR))
        body = response.json()
        return bool(body["status"] == "completed" and body["total"] == 40)

    await eventually(completed, seconds=60)
    held = await correspondence.scalar(
        "SELECT count(*) FROM letters WHERE campaign = :name AND status <> 'sent'", name=campaign
    )
    assert held == 0


async def test_a_pause_while_a_batch_renders_holds_that_batch_too(
    correspondence: Correspondence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pause commits between the worker's read of a batch and its write of the rendered
    letters: the rendered result must not overwrite `held` (it did, and the letters went)."""
    headers = correspondence.headers(BEHANDELAAR)
    campaign = "Heronderzoek 2031"
    url, _ = await invitations_held(correspondence, campaign, 8)
    renderer = correspondence.app.state.renderer
    render = renderer.render
    paused: list[int] = []
    rendered: list[int] = []
    pause_done = asyncio.Event()

    async def pausing_first(jobs: list[Any]) -> list[Any]:
        # The staff member pauses while the first batch is in Typst; a second batch in flight
        # renders after that pause has committed.
        if not paused:
            paused.append(0)  # claimed before the await: one pause, whatever batch comes next
            response = await correspondence.client.post(f"{url}/pause", headers=headers)
            paused[0] = response.status_code
            pause_done.set()
        await pause_done.wait()
        outputs = list(await render(jobs))
        rendered.append(len(outputs))
        return outputs

    monkeypatch.setattr(renderer, "render", pausing_first)
    assert (await correspondence.client.post(url, headers=headers)).status_code == 202

    async def batch_finished() -> bool:
        # The worker holds an advisory lock per letter until its batch is written and acked.
        locks = await correspondence.scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return bool(rendered) and locks == 0

    await eventually(batch_finished)
    assert paused == [200]
    counts = await correspondence.rows(
        "SELECT status, count(*) AS n FROM letters WHERE campaign = :name GROUP BY status",
        name=campaign,
    )
    assert {row.status: row.n for row in counts} == {"held": 8}


async def test_a_licence_without_campaigns_pauses_a_running_one_and_nothing_goes_twice(
    correspondence: Correspondence,
) -> None:
    """Downgraded mid-campaign: the campaign pauses with the licence's reason, what has not gone
    waits, resuming is refused until the licence is back; then every letter goes exactly once."""
    headers = correspondence.headers(BEHANDELAAR)
    campaign = "Heronderzoek 2030"
    url, cases = await invitations_held(correspondence, campaign, 30)
    assert (await correspondence.client.post(url, headers=headers)).status_code == 202
    await publish(
        correspondence.bus,
        LicenceChanged(code=CODE, licence=Licence.EXTRA, changed_by="op", changed_at=NOW),
    )

    async def paused_and_settled() -> dict:  # type: ignore[type-arg]
        body = dict((await correspondence.client.get(url, headers=headers)).json())
        post = body["channels"]["post"]
        settled = post["rendered"] == 0 and post["pending"] + post["sent"] == 30
        return body if body["status"] == "paused" and settled else {}

    await eventually(lambda: _truthy(paused_and_settled()), seconds=30)
    body = await paused_and_settled()
    assert body["paused_reason"].startswith("Gepauzeerd door het systeem.")
    assert "(Extra)" in body["paused_reason"]
    refused = await correspondence.client.post(f"{url}/resume", headers=headers)
    assert refused.status_code == 403
    assert "Premium" in refused.json()["detail"]
    held = await correspondence.scalar(
        "SELECT count(*) FROM letters WHERE campaign = :name AND status = 'held'", name=campaign
    )
    assert held == body["channels"]["post"]["pending"]

    await publish(
        correspondence.bus,
        LicenceChanged(code=CODE, licence=Licence.PREMIUM, changed_by="op", changed_at=NOW),
    )

    async def resumed() -> bool:
        response = await correspondence.client.post(f"{url}/resume", headers=headers)
        return response.status_code == 200

    await eventually(resumed)

    async def completed() -> bool:
        body = (await correspondence.client.get(url, headers=headers)).json()
        return bool(body["status"] == "completed" and body["paused_reason"] is None)

    await eventually(completed, seconds=60)
    letters_sent = await correspondence.scalar(
        "SELECT count(*) FROM letters WHERE campaign = :name AND status = 'sent'", name=campaign
    )
    assert letters_sent == 30
    # One `letter.sent` per letter: pausing and resuming repeated none.
    events = await correspondence.rows(
        "SELECT envelope->'data'->>'letter_id' AS letter FROM outbox "
        "WHERE routing_key = 'correspondence.letter.sent' AND envelope->'data'->>'case_id' "
        "= ANY(:cases)",
        cases=[str(case.case_id) for case in cases],
    )
    assert len(events) == len({row.letter for row in events}) == 30


async def _truthy(pending: Awaitable[dict]) -> bool:  # type: ignore[type-arg]
    return bool(await pending)
