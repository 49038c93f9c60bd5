"""The import page explains the columns in Dutch, offers an example file (XLSX and CSV) that
intake imports as it is, accepts a house number with its suffix, and lists earlier imports with
who imported which file. The real gateway, intake and cases services."""

from __future__ import annotations

import io
import random
import re

from openpyxl import load_workbook

from demodata.applications import valid_bsn
from servicekit.testing import eventually

from .conftest import MakeUser, UiApp, csrf_of, log_in


async def test_the_page_explains_the_columns_and_offers_both_example_files(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))

    page = await ui.http.get("/ui/heronderzoek")
    xlsx = await ui.http.get("/ui/heronderzoek/voorbeeld.xlsx")
    csv = await ui.http.get("/ui/heronderzoek/voorbeeld.csv")

    assert page.status_code == 200
    assert "Geboortedatum als dd-mm-jjjj (17-04-1981) of jjjj-mm-dd" in page.text
    assert "Huisnummer, eventueel met toevoeging in dezelfde cel" in page.text
    assert 'href="/ui/heronderzoek/voorbeeld.xlsx"' in page.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["bsn", "initials", "prefix", "last_name"]
    assert "house_number" in header
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == header
    assert csv.headers["content-disposition"].startswith("attachment;")


async def _upload(ui: UiApp, page_token: str, name: str, content: bytes, campaign: str) -> str:
    uploaded = await ui.http.post(
        "/ui/heronderzoek",
        data={"municipality": "0534", "campaign": campaign, "csrf_token": page_token},
        files={"file": (name, content, "application/octet-stream")},
    )
    assert uploaded.status_code == 303, uploaded.text
    status_url = uploaded.headers["location"]

    async def finished() -> bool:
        return "Klaar" in (await ui.http.get(status_url)).text

    await eventually(finished)
    return status_url


async def test_the_example_file_imports_and_the_list_names_who_imported_it(
    ui: UiApp, make_user: MakeUser
) -> None:
    account = await make_user("isd-bollenstreek", "behandelaar")
    page = await log_in(ui.http, account)
    example = (await ui.http.get("/ui/heronderzoek/voorbeeld.xlsx")).content
    workbook = load_workbook(io.BytesIO(example))
    sheet = workbook.active
    assert sheet is not None
    sheet["A2"] = valid_bsn(random.Random())
    filled = io.BytesIO()
    workbook.save(filled)
    campaign = f"Heronderzoek {random.randrange(10**9)}"
    name = f"voorbeeld-{random.randrange(10**9)}.xlsx"

    status_url = await _upload(ui, csrf_of(page), name, filled.getvalue(), campaign)
    done = await ui.http.get(status_url)
    listed = await ui.http.get("/ui/heronderzoek")

    assert 'data-count="imported">1<' in done.text
    row = listed.text.split(name)[1].split("</tr>")[0]
    assert f"({account.username})" in row, "who imported the file"
    assert campaign in row
    assert "Hillegom" in row

    async def case_with_suffix() -> bool:
        cases = await ui.http.get("/ui/cases", params={"campaign": campaign})
        found = re.search(r'href="/ui/cases/([0-9a-f-]{36})"', cases.text)
        if found is None:
            return False
        detail = await ui.http.get(f"/ui/cases/{found.group(1)}")
        return "Hoofdstraat 7 a, 2181 AB Hillegom" in detail.text

    await eventually(case_with_suffix)


async def test_a_house_number_with_its_suffix_in_one_cell_is_imported(
    ui: UiApp, make_user: MakeUser
) -> None:
    page = await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    rng = random.Random()
    csv = (
        "bsn;initials;last_name;date_of_birth;street;house_number;postal_code;city\r\n"
        f"{valid_bsn(rng)};J.;Vermeulen;01-03-1970;Dorpsstraat;12-2;2181 AB;Hillegom\r\n"
        f"{valid_bsn(rng)};K.;Bakker;1971-04-02;Dorpsstraat;14bis;2181 AB;Hillegom\r\n"
        f"{valid_bsn(rng)};L.;Fout;1972-05-03;Dorpsstraat;a14;2181 AB;Hillegom\r\n"
    ).encode()

    status_url = await _upload(
        ui, csrf_of(page), "toevoegingen.csv", csv, f"Heronderzoek {rng.randrange(10**9)}"
    )
    report = (await ui.http.get(f"{status_url}/rapport.csv")).content.decode("utf-8-sig")

    outcomes = [line.split(";")[1] for line in report.splitlines()[1:]]
    assert outcomes == ["geïmporteerd", "geïmporteerd", "afgekeurd"], report
    assert "house_number: geen geldig huisnummer" in report
    assert report.count("house_number") == 1
