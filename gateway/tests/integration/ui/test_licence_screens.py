"""Organisaties: the operator's screen of municipalities and their licence; the footer's
version and the release notes page. Real app, real database."""

from __future__ import annotations

import httpx
from markupsafe import escape
from sqlalchemy import select, text

from gateway.ui.web import running_version
from servicekit.tables import outbox

from .conftest import MakeUser, UiApp, csrf_of, log_in


async def _change(ui: UiApp, code: str, **data: str | list[str]) -> httpx.Response:
    page = await ui.http.get(f"/ui/organisaties/{code}")
    assert page.status_code == 200, page.text
    return await ui.http.post(
        f"/ui/organisaties/{code}", data={"csrf_token": csrf_of(page), **data}
    )


async def _licence_events(ui: UiApp) -> list[dict[str, object]]:
    async with ui.database.sessions() as session:
        rows = await session.execute(
            select(outbox.c.envelope)
            .where(outbox.c.routing_key == "gateway.municipality.licence_changed")
            .order_by(outbox.c.id)
        )
        return [row.envelope["data"] for row in rows]


async def test_the_operator_changes_a_licence_on_the_screen(ui: UiApp, make_user: MakeUser) -> None:
    operator = await make_user("platform", "operator")
    home = await log_in(ui.http, operator)
    assert 'href="/ui/organisaties"' in home.text

    listing = await ui.http.get("/ui/organisaties")
    changed = await _change(ui, "0553", licence="basis")
    after = await ui.http.get(changed.headers["location"])
    form = await ui.http.get("/ui/organisaties/0553")

    assert listing.status_code == 200
    assert "Lisse" in listing.text
    assert "Premium (standaard)" in listing.text
    assert changed.status_code == 303
    assert "De licentie van Lisse is gewijzigd." in after.text
    assert "Niet beschikbaar" in form.text
    assert (
        "De licentie van deze gemeente (Basis) omvat niet besluiten vastleggen: daarvoor is "
        "de licentie Extra nodig."
    ) in form.text
    events = await _licence_events(ui)
    assert [(e["code"], e["licence"], e["changed_by"]) for e in events] == [
        ("0553", "basis", f"user:{operator.username}")
    ]
    async with ui.database.sessions() as session:
        audit = (
            await session.execute(
                text(
                    "SELECT result, actor, organisation FROM security_audit "
                    "WHERE action = 'licence.change'"
                )
            )
        ).all()
    assert [tuple(row) for row in audit] == [
        ("success: premium+rechtmatigheid -> basis", f"user:{operator.username}", "0553")
    ]


async def test_bad_input_is_shown_at_the_field_and_changes_nothing(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user("platform", "operator"))

    unknown = await _change(ui, "0553", licence="goud")
    misplaced = await _change(ui, "0553", licence="extra", addons=["rechtmatigheid"])

    assert unknown.status_code == 422
    assert 'id="licence-fout"' in unknown.text
    assert str(escape("Onbekende licentie 'goud'. Kies basis, extra of premium.")) in unknown.text
    assert misplaced.status_code == 422
    assert 'id="addons-fout"' in misplaced.text
    assert "hoort bij de licentie Premium, niet bij Extra" in misplaced.text
    assert await _licence_events(ui) == []


async def test_only_operators_see_organisaties(ui: UiApp, make_user: MakeUser) -> None:
    home = await log_in(ui.http, await make_user("0363", "functioneel_beheerder"))

    refused = await ui.http.get("/ui/organisaties")
    form = await ui.http.get("/ui/organisaties/0363")

    assert 'href="/ui/organisaties"' not in home.text
    assert refused.status_code == 403
    assert form.status_code == 403


async def test_the_footer_shows_the_version_and_links_the_release_notes(
    ui: UiApp, make_user: MakeUser
) -> None:
    login = await ui.http.get("/ui/inloggen")
    home = await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    notes = await ui.http.get("/ui/releasenotes")

    version = running_version()
    assert version != "onbekend"
    assert f'<a href="/ui/releasenotes">Versie {version}</a>' in home.text
    assert "/ui/releasenotes" not in login.text
    assert notes.status_code == 200
    assert "<h1>Releasenotes</h1>" in notes.text
    assert f"U werkt met versie {version}." in notes.text
    assert "<h3>Behandelaar</h3>" in notes.text
