"""The screen Geparkeerde berichten: an operator sees the cases service's parked message with
its reason (never its body), replays it, and discards it only with a reason and a ticked box;
other roles get no such screen."""

from __future__ import annotations

import re

from servicekit.testing import eventually

from ..test_parked_messages import park_poison
from .conftest import MakeUser, UiApp, csrf_of, log_in


async def test_an_operator_replays_and_discards_on_the_screen(
    ui: UiApp, make_user: MakeUser
) -> None:
    _, message_id = await park_poison(ui.services)
    page = await log_in(ui.http, await make_user("platform", "operator"))
    assert "Geparkeerde berichten" in page.text, "the operator's menu has the item"

    async def shown() -> bool:
        listed = await ui.http.get("/ui/geparkeerd", params={"dienst": "cases"})
        assert listed.status_code == 200, listed.text
        return message_id in listed.text

    await eventually(shown, seconds=30)
    listed = await ui.http.get("/ui/geparkeerd", params={"dienst": "cases"})
    assert message_id in listed.text
    assert "invalid event data" in listed.text
    assert "123456782" not in listed.text, "never the body"
    row = re.search(
        message_id + r".*?/ui/geparkeerd/cases/([0-9a-f-]{36})/opnieuw", listed.text, re.S
    )
    assert row is not None, "the message's row has its replay button"
    parked_id = row.group(1)

    token = csrf_of(page)
    unconfirmed = await ui.http.post(
        f"/ui/geparkeerd/cases/{parked_id}/afwijzen",
        data={"reason": "Testbericht", "csrf_token": token},
    )
    no_reason = await ui.http.post(
        f"/ui/geparkeerd/cases/{parked_id}/afwijzen",
        data={"reason": " ", "bevestigd": "ja", "csrf_token": token},
    )
    replayed = await ui.http.post(
        f"/ui/geparkeerd/cases/{parked_id}/opnieuw",
        data={"csrf_token": token},
        follow_redirects=True,
    )

    assert unconfirmed.status_code == 400
    assert "Vink aan dat u het bericht afwijst." in unconfirmed.text
    assert no_reason.status_code == 400
    assert "Geef een reden van 3 tot 500 tekens." in no_reason.text
    assert parked_id in no_reason.text, "nothing lost"
    assert replayed.status_code == 200, replayed.text
    assert "Het bericht is opnieuw aangeboden aan de wachtrij." in replayed.text
    done = await ui.http.get("/ui/geparkeerd", params={"dienst": "cases", "status": "replayed"})
    assert message_id in done.text


async def test_other_roles_have_no_parked_messages_screen(ui: UiApp, make_user: MakeUser) -> None:
    page = await log_in(ui.http, await make_user("0363", "functioneel_beheerder"))
    assert "Geparkeerde berichten" not in page.text
    assert (await ui.http.get("/ui/geparkeerd")).status_code == 403
