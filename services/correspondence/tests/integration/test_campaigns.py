"""Campaigns in one process: no start without an invitation template; pause holds what has
not gone, resume sends the rest, no letter twice; progress per channel."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from servicekit.testing import eventually

from .conftest import Correspondence
from .helpers import opened, session_started
from .support import BEHANDELAAR, BEHEERDER, CODE, publish

CAMPAIGN = "Heronderzoek 2028"
URL = f"/campaigns/{CODE}/{quote(CAMPAIGN)}"


async def progress(correspondence: Correspondence) -> dict:  # type: ignore[type-arg]
    response = await correspondence.client.get(URL, headers=correspondence.headers(BEHANDELAAR))
    assert response.status_code == 200, response.text
    return dict(response.json())


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
    saved = await correspondence.client.put(
        f"/municipalities/{CODE}/templates/re_examination_invitation/post",
        json={"subject": "Heronderzoek", "body": "<p>$AANHEF$, doe mee: $OCKTO_LINK$</p>"},
        headers=correspondence.headers(BEHEERDER),
    )
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
    saved = await correspondence.client.put(
        f"/municipalities/{CODE}/templates/re_examination_invitation/post",
        json={"subject": "Heronderzoek", "body": "<p>$AANHEF$, doe mee: $OCKTO_LINK$</p>"},
        headers=correspondence.headers(BEHEERDER),
    )
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
