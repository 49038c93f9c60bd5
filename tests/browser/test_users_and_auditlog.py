"""Gebruikers and Auditlog in a real browser against the whole system: a beheerder makes an
account, its owner's first login sets up TOTP and a password of their own, and the auditor
finds both that and a case being viewed in the logs."""

from __future__ import annotations

import re

import pyotp
from playwright.async_api import expect

from .conftest import CELIK, Account, Browsing, Seeded, screenshot, submit_password

NEW_USER = "nieuwe.collega@isd-proefland"
OWN_PASSWORD = "Fietsen langs de Vecht in mei"


async def test_a_beheerder_adds_a_colleague_who_then_sets_up_the_account(
    browsing: Browsing, users: dict[str, Account]
) -> None:
    manager = await browsing.signed_in(users["beheerder"])
    await manager.goto("/ui/gebruikers")
    await manager.get_by_role("link", name="Nieuwe gebruiker").click()
    await manager.get_by_label("Naam", exact=True).fill("Nieuwe Collega")
    await manager.get_by_label("Gebruikersnaam").fill("Nieuwe Collega")
    await manager.get_by_role("button", name="Aanmaken").click()
    await expect(manager.locator("#username-fout")).to_contain_text("Gebruik 3 tot 100 tekens")
    await expect(manager.locator("#role-fout")).to_contain_text("Kies een rol")
    await manager.get_by_label("Gebruikersnaam").fill(NEW_USER)
    await manager.get_by_label("Rol").select_option("beslisser")
    await manager.get_by_role("button", name="Aanmaken").click()
    await expect(manager.get_by_role("heading", name="Gebruiker aangemaakt")).to_be_visible()
    initial = await manager.locator("#tijdelijk-wachtwoord").inner_text()
    await screenshot(manager, "user-created")

    colleague = await browsing.page()
    await submit_password(colleague, NEW_USER, initial)
    secret = (await colleague.locator("code.secret").inner_text()).replace(" ", "")
    await colleague.get_by_label("Code uit de app").fill(pyotp.TOTP(secret).now())
    await colleague.get_by_role("button", name="Instellen").click()
    await colleague.get_by_role("link", name="Ik heb de codes bewaard").click()
    await expect(colleague).to_have_url(re.compile(r"/ui/wachtwoord$"))
    await expect(colleague.get_by_role("status")).to_contain_text("tijdelijk wachtwoord")
    await colleague.goto("/ui/cases")
    await expect(colleague).to_have_url(re.compile(r"/ui/wachtwoord$"))
    await colleague.get_by_label("Tijdelijk wachtwoord").fill(initial)
    await colleague.get_by_label("Nieuw wachtwoord", exact=True).fill(OWN_PASSWORD)
    await colleague.get_by_label("Nieuw wachtwoord nogmaals").fill(OWN_PASSWORD)
    await colleague.get_by_role("button", name="Wijzigen").click()
    # The first login takes one password change and one code: it goes on signed in.
    await expect(colleague).to_have_url(re.compile(r"/ui/$"))
    await expect(colleague.locator(".page-header__user")).to_contain_text("Beslisser")

    await manager.goto("/ui/gebruikers")
    row = manager.get_by_role("row").filter(has_text=NEW_USER)
    await expect(row).to_contain_text("Actief")
    await row.get_by_role("link", name="Nieuwe Collega").click()
    await manager.get_by_label("Rol").select_option("raadpleger")
    await manager.get_by_role("button", name="Rol wijzigen").click()
    await expect(manager.get_by_role("status")).to_contain_text("De rol is gewijzigd")
    await colleague.goto("/ui/cases")
    await expect(colleague).to_have_url(re.compile(r"/ui/inloggen"))


async def test_the_auditor_reads_who_viewed_a_case_and_who_changed_an_account(
    browsing: Browsing, users: dict[str, Account], seeded: Seeded
) -> None:
    handler = await browsing.signed_in(users["isd"])
    number = seeded.number_of(CELIK)
    case = seeded.case_ids[number]
    await handler.goto(f"/ui/cases/{case}")
    await expect(handler.get_by_role("heading", level=1)).to_contain_text("Aanvraag")

    auditor = await browsing.signed_in(users["auditor"])
    await auditor.goto("/ui/")
    await auditor.get_by_role("link", name="Auditlog").click()
    await auditor.get_by_label("Aanvraagnummer").fill(number)
    await auditor.get_by_role("button", name="Filteren").click()
    await expect(auditor).to_have_url(re.compile(f"case={number}"))
    viewed = auditor.locator("table.table tbody tr").filter(has_text="Case bekeken").first
    await expect(viewed).to_contain_text(users["isd"].username)
    await expect(viewed).to_contain_text("Proefdorp")  # the municipality by name, not 9101
    await expect(viewed).to_contain_text("Behandelen van aanvragen")
    await screenshot(auditor, "auditlog-access")

    await auditor.get_by_role("link", name="Inloggen en accounts").click()
    await auditor.get_by_label("Handeling").select_option("user.create")
    await auditor.get_by_label("Gebruiker").fill(users["isd"].username)
    await auditor.get_by_role("button", name="Filteren").click()
    await expect(auditor).to_have_url(re.compile(r"actie=user\.create"))
    created = auditor.locator("table.table tbody tr")
    await expect(created).to_have_count(1)
    await expect(created).to_contain_text("Gebruiker aangemaakt")
    await expect(created).to_contain_text("beheer-opdrachtregel")
    await auditor.get_by_label("Handeling").select_option("login.mfa")
    await auditor.get_by_role("button", name="Filteren").click()
    await expect(auditor).to_have_url(re.compile(r"actie=login\.mfa"))
    await expect(auditor.locator("table.table tbody tr").first).to_contain_text("Gelukt")
    await auditor.get_by_label("Gebruiker").fill("niemand@nergens")
    await auditor.get_by_role("button", name="Filteren").click()
    await expect(auditor.get_by_text("Geen registraties gevonden.")).to_be_visible()
    await screenshot(auditor, "auditlog-security")

    for path in ("/ui/auditlog", "/ui/gebruikers"):
        refused = await handler.request.get(path)
        assert refused.status == 403, path
