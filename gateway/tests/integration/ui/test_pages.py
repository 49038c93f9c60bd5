"""The staff pages against the real app and database, with the fake cases service."""

from __future__ import annotations

from .conftest import CASE_ID, IMPORT_ID, MakeUser, UiApp, csrf_of, log_in


async def test_the_overview_links_each_number_to_the_filtered_case_list(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek"))

    page = await ui.http.get("/ui/?weergave=0553&kind=re_examination&campaign=2026")

    assert page.status_code == 200
    assert "Overzicht: Lisse" in page.text
    assert ui.cases.calls[-1].params == [
        ("municipality", "0553"),
        ("kind", "re_examination"),
        ("campaign", "2026"),
    ]
    assert (
        'href="/ui/cases?municipality=0553&amp;kind=re_examination&amp;campaign=2026'
        '&amp;category=received"'
    ) in page.text


async def test_an_overview_outside_the_organisation_is_not_found(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user("0363", "raadpleger"))

    other = await ui.http.get("/ui/?weergave=isd-bollenstreek")

    assert other.status_code == 404
    assert "valt buiten uw organisatie" in other.text


async def test_the_case_list_passes_search_filters_and_paging(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user())

    page = await ui.http.get("/ui/cases?q=Vries&status=received&assigned_to=me&municipality=0534")
    outside = await ui.http.get("/ui/cases?municipality=0363")

    assert page.status_code == 200
    assert "GV-2026-0001234" in page.text
    assert ui.cases.calls[-1].params == [
        ("municipality", "0534"),
        ("q", "Vries"),
        ("status", "received"),
        ("assigned_to", "me"),
        ("limit", "25"),
    ]
    assert "cursor=next-page" in page.text
    assert ">Volgende<" in page.text
    assert "/ui/cases/export.csv?municipality=0534" in page.text
    assert outside.status_code == 404


async def test_a_case_shows_household_history_memos_and_actions(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user())

    page = await ui.http.get(f"/ui/cases/{CASE_ID}")

    assert page.status_code == 200
    for text in ("GV-2026-0001234", "Vries", "Noor", "Gebeld", "Aan mij toewijzen", "Afgebroken"):
        assert text in page.text
    assert page.text.count("Nog niet beschikbaar.") == 3


async def test_a_case_outside_the_organisation_looks_like_a_missing_one(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user("0363"))

    outside = await ui.http.get(f"/ui/cases/{CASE_ID}")
    missing = await ui.http.get("/ui/cases/00000000-0000-4000-8000-000000000000")
    malformed = await ui.http.get("/ui/cases/not-a-case")

    assert outside.status_code == missing.status_code == malformed.status_code == 404
    assert outside.text == missing.text


async def test_adding_a_memo(ui: UiApp, make_user: MakeUser) -> None:
    page = await log_in(ui.http, await make_user())
    token = csrf_of(page)

    empty = await ui.http.post(
        f"/ui/cases/{CASE_ID}/memos", data={"text": " ", "csrf_token": token}
    )
    added = await ui.http.post(
        f"/ui/cases/{CASE_ID}/memos",
        data={"text": "Aanvrager gebeld", "csrf_token": token},
        follow_redirects=True,
    )

    assert empty.status_code == 400
    assert 'id="text-fout"' in empty.text
    assert "Schrijf de memo." in empty.text
    assert added.status_code == 200
    assert "De memo is toegevoegd." in added.text
    post = next(call for call in ui.cases.calls if call.method == "POST")
    assert (post.path, post.body) == (
        f"/cases/{CASE_ID}/memos",
        {"text": "Aanvrager gebeld", "corrects": None},
    )


async def test_a_status_change_sends_the_target_and_reason(ui: UiApp, make_user: MakeUser) -> None:
    page = await log_in(ui.http, await make_user())
    token = csrf_of(page)

    changed = await ui.http.post(
        f"/ui/cases/{CASE_ID}/status",
        data={
            "to_status": "under_investigation",
            "reason": "Loonstrook ontbreekt",
            "csrf_token": token,
        },
    )
    refused = await ui.http.post(
        f"/ui/cases/{CASE_ID}/status",
        data={"to_status": "decided_granted", "reason": "Past", "csrf_token": token},
    )
    missing = await ui.http.post(
        f"/ui/cases/{CASE_ID}/status", data={"reason": "", "csrf_token": token}
    )

    assert changed.status_code == 303
    post = next(call for call in ui.cases.calls if call.path.endswith("/transitions"))
    assert post.body == {"to": "under_investigation", "reason": "Loonstrook ontbreekt"}
    assert refused.status_code == 403
    assert "mag een aanvraag niet toekennen; dat mag alleen een beslisser." in refused.text
    assert missing.status_code == 400
    assert "Kies een nieuwe status." in missing.text
    assert "Geef een reden" in missing.text


async def test_hold_resume_and_assignment_use_the_handling_routes(
    ui: UiApp, make_user: MakeUser
) -> None:
    page = await log_in(ui.http, await make_user())
    token = csrf_of(page)

    held = await ui.http.post(
        f"/ui/cases/{CASE_ID}/afwachting",
        data={"reason": "Wacht op loonstrook", "until": "2999-12-31", "csrf_token": token},
    )
    resumed = await ui.http.post(
        f"/ui/cases/{CASE_ID}/afwachting/opheffen",
        data={"reason": "Loonstrook binnen", "csrf_token": token},
    )
    assigned = await ui.http.post(f"/ui/cases/{CASE_ID}/toewijzen", data={"csrf_token": token})
    released = await ui.http.post(f"/ui/cases/{CASE_ID}/vrijgeven", data={"csrf_token": token})

    assert [held.status_code, resumed.status_code, assigned.status_code] == [303, 303, 303]
    assert released.status_code == 303
    calls = [(c.method, c.path, c.params, c.body) for c in ui.cases.calls if c.method != "GET"]
    assert calls == [
        (
            "PUT",
            f"/cases/{CASE_ID}/hold",
            [],
            {"reason": "Wacht op loonstrook", "until": "2999-12-31"},
        ),
        ("DELETE", f"/cases/{CASE_ID}/hold", [("reason", "Loonstrook binnen")], None),
        ("PUT", f"/cases/{CASE_ID}/assignee", [], {"assignee": "me"}),
        ("PUT", f"/cases/{CASE_ID}/assignee", [], {"assignee": None}),
    ]


async def test_a_raadpleger_sees_no_actions(ui: UiApp, make_user: MakeUser) -> None:
    page = await log_in(ui.http, await make_user(role="raadpleger"))

    case = await ui.http.get(f"/ui/cases/{CASE_ID}")
    refused = await ui.http.post(
        f"/ui/cases/{CASE_ID}/toewijzen", data={"csrf_token": csrf_of(page)}
    )

    assert "Aan mij toewijzen" not in case.text
    assert "Memo toevoegen" not in case.text
    assert refused.status_code == 403
    assert all(call.method == "GET" for call in ui.cases.calls)


async def test_a_category_becomes_its_statuses_and_nine_digits_a_bsn(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user())

    await ui.http.get("/ui/cases?category=in_progress&q=123456782")
    listed = ui.cases.calls[-1].params
    export = await ui.http.get("/ui/cases/export.csv?category=received&q=Vries")

    assert listed == [
        ("status", "invited"),
        ("status", "awaiting_data"),
        ("status", "advice_ready"),
        ("status", "on_hold"),
        ("bsn", "123456782"),
        ("limit", "25"),
    ]
    assert ui.cases.calls[-1].params == [("status", "received"), ("q", "Vries")]
    assert export.status_code == 200
    assert export.headers["content-disposition"] == 'attachment; filename="zaken-2026-11-29.csv"'
    assert export.content.decode("utf-8-sig").startswith("aanvraagnummer;soort")


async def test_an_upload_is_streamed_to_intake_and_its_status_followed(
    ui: UiApp, make_user: MakeUser
) -> None:
    page = await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    form = await ui.http.get("/ui/heronderzoek")
    csv = b"bsn;initials;last_name\r\n123456782;J.;Vries\r\n"

    uploaded = await ui.http.post(
        "/ui/heronderzoek",
        data={"municipality": "0534", "campaign": "Heronderzoek 2027", "csrf_token": csrf_of(page)},
        files={"file": ("heronderzoek.csv", csv, "text/csv")},
    )
    status = await ui.http.get(uploaded.headers["location"])
    fragment = await ui.http.get(
        f"/ui/heronderzoek/{IMPORT_ID}",
        headers={"HX-Request": "true", "HX-Target": "import-status"},
    )
    ui.intake.status = "completed"
    done = await ui.http.get(f"/ui/heronderzoek/{IMPORT_ID}")
    report = await ui.http.get(f"/ui/heronderzoek/{IMPORT_ID}/rapport.csv")

    assert ">Hillegom (0534)<" in form.text or "(0534)" in form.text
    assert uploaded.status_code == 303
    [(content_type, body)] = ui.intake.uploads
    assert content_type.startswith("multipart/form-data; boundary=")
    assert b'name="municipality"\r\n\r\n0534\r\n' in body
    assert b'name="campaign"\r\n\r\nHeronderzoek 2027\r\n' in body
    assert b'filename="heronderzoek.csv"' in body
    assert csv in body
    assert b"csrf_token" not in body
    assert status.status_code == 200
    assert 'hx-trigger="every 2s"' in status.text
    assert "bsn: geen geldig BSN" in status.text
    assert fragment.text.lstrip().startswith('<div id="import-status"')
    assert "<html" not in fragment.text
    assert "hx-trigger" not in done.text
    assert "Klaar" in done.text
    assert report.content.decode("utf-8-sig").startswith("regel;uitkomst;reden")


async def test_an_upload_with_mistakes_is_refused_next_to_the_fields(
    ui: UiApp, make_user: MakeUser
) -> None:
    page = await log_in(ui.http, await make_user("0363", "behandelaar"))

    refused = await ui.http.post(
        "/ui/heronderzoek",
        data={"municipality": "0534", "campaign": "x", "csrf_token": csrf_of(page)},
        files={"file": ("leeg.csv", b"", "text/csv")},
    )

    assert refused.status_code == 400
    for field in ("municipality", "campaign", "file"):
        assert f'id="{field}-fout"' in refused.text
    assert "Kies de gemeente waarvoor u importeert." in refused.text
    assert ui.intake.uploads == []


async def test_a_service_that_is_down_leaves_the_rest_of_the_page_working(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user())
    ui.cases.down = True

    page = await ui.http.get("/ui/")

    assert page.status_code == 200
    assert "De casussen-dienst is op dit moment niet bereikbaar" in page.text
    assert "Hoofdmenu" in page.text


async def test_quarantine_is_for_managers(ui: UiApp, make_user: MakeUser) -> None:
    await log_in(ui.http, await make_user("0363", "behandelaar"))
    refused = await ui.http.get("/ui/quarantaine")
    assert refused.status_code == 403

    manager = await make_user("0363", "functioneel_beheerder")
    ui.http.cookies.clear()
    page = await log_in(ui.http, manager)
    listed = await ui.http.get("/ui/quarantaine")
    short = await ui.http.post(
        "/ui/quarantaine/7c1d3b9e-4f2a-4e8b-9a61-3d5c8e2f7b14/afwijzen",
        data={"reason": "x", "csrf_token": csrf_of(page)},
    )

    assert listed.status_code == 200
    assert "Geen berichten." in listed.text
    assert short.status_code == 400
    assert "Geef een reden van 3 tot 500 tekens." in short.text


async def test_changing_the_password_checks_the_policy(ui: UiApp, make_user: MakeUser) -> None:
    account = await make_user()
    page = await log_in(ui.http, account)
    token = csrf_of(page)

    weak = await ui.http.post(
        "/ui/wachtwoord",
        data={
            "current": account.password,
            "new": "welkom01",
            "repeat": "welkom01",
            "csrf_token": token,
        },
    )
    changed = await ui.http.post(
        "/ui/wachtwoord",
        data={
            "current": account.password,
            "new": "Hyacinten geuren in maart",
            "repeat": "Hyacinten geuren in maart",
            "csrf_token": token,
        },
    )

    assert weak.status_code == 400
    assert "Gebruik minstens 12 tekens." in weak.text
    assert changed.status_code == 303
    assert (await ui.http.get("/ui/")).status_code == 303, "every session ended"
