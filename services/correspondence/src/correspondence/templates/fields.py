"""The merge fields (`$VELD$`): the one documented list, and their values for a letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup, escape

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class MergeField:
    name: str
    description: str
    example: str


FIELDS: tuple[MergeField, ...] = (
    MergeField("VOORLETTERS", "voorletters van de aanvrager", "J.P."),
    MergeField("TUSSENVOEGSEL", "tussenvoegsel van de aanvrager (kan leeg zijn)", "de"),
    MergeField("ACHTERNAAM", "achternaam van de aanvrager", "Vries"),
    MergeField("VOORNAAM", "voornaam van de aanvrager (kan leeg zijn)", "Jan"),
    MergeField("AANHEF", "de aanhef, bijvoorbeeld 'Beste J.P. de Vries'", "Beste J.P. de Vries"),
    MergeField("NAAM", "volledige naam van de aanvrager", "J.P. de Vries"),
    MergeField("STRAAT", "straat van het postadres", "Dorpsstraat"),
    MergeField("HUISNUMMER", "huisnummer met toevoeging", "12a"),
    MergeField("POSTCODE", "postcode", "1234 AB"),
    MergeField("WOONPLAATS", "woonplaats", "Voorbeeldstad"),
    MergeField("PARTNER_NAAM", "volledige naam van de partner, leeg zonder partner", "M. Jansen"),
    MergeField("AANVRAAGNUMMER", "nummer van de aanvraag of het heronderzoek", "GP-2026-000123"),
    MergeField("AANVRAAGDATUM", "datum van de aanvraag", "3 november 2026"),
    MergeField("DATUM", "datum van de brief", "1 december 2026"),
    MergeField("INGANGSDATUM", "ingangsdatum van de bijdrage", "1 januari 2027"),
    MergeField("TERMIJN_DATUM", "laatste dag van de termijn", "15 december 2026"),
    MergeField("TERMIJN_DAGEN", "aantal dagen van de termijn", "14"),
    MergeField("REDENEN", "redenen van de afwijzing, elk als opsommingsteken", "• ..."),
    MergeField("GEVRAAGDE_STUKKEN", "de gevraagde gegevens of stukken, als opsomming", "• ..."),
    MergeField("TOELICHTING", "toelichting van de behandelaar bij het verzoek", "..."),
    MergeField("OCKTO_LINK", "persoonlijke link naar Ockto", "https://..."),
    MergeField("OCKTO_QR", "QR-code van de Ockto-link (alleen in brieven)", "[QR-code]"),
    MergeField("UPLOAD_LINK", "persoonlijke link om documenten te uploaden", "https://..."),
    MergeField("CAMPAGNE", "naam van de heronderzoekcampagne", "Heronderzoek 2027"),
    MergeField("BEZWAARCLAUSULE", "hoe en binnen welke termijn bezwaar kan (Awb 3:45, 6:7)", "..."),
    MergeField("BEHANDELAAR", "de ondertekenaar", "A. Bakker"),
    MergeField("GEMEENTE", "naam van de gemeente", "Gemeente Voorbeeldstad"),
    MergeField("CONTACT", "telefoon en e-mailadres van de gemeente", "14 0123"),
)
FIELD_NAMES = frozenset(field.name for field in FIELDS)
LIST_FIELDS = frozenset({"REDENEN", "GEVRAAGDE_STUKKEN"})

REASON_TEXT = {
    "income_too_high": "Uw inkomen is hoger dan de inkomensgrens die de gemeente hanteert.",
    "assets_too_high": "Uw vermogen is hoger dan de vermogensgrens die de gemeente hanteert.",
}


def long_date(value: date | None) -> str:
    """Dutch long form: 1 december 2026."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def full_name(person: dict[str, Any] | None) -> str:
    if not person:
        return ""
    parts = [person.get("initials") or "", person.get("prefix") or "", person.get("last_name")]
    return " ".join(p for p in parts if p)


def salutation(person: dict[str, Any] | None) -> str:
    """'Beste J. Jansen': the household carries no gender, so no 'heer' or 'mevrouw'."""
    name = full_name(person)
    return f"Beste {name}" if name else "Beste inwoner"


@dataclass(frozen=True)
class MergeValues:
    """Plain values (subject lines, Word letters) and their HTML form (browser templates)."""

    plain: dict[str, str]
    lists: dict[str, list[str]]

    def html(self) -> dict[str, Any]:
        values: dict[str, Any] = dict(self.plain)
        for name, items in self.lists.items():
            values[name] = (
                Markup("<ul>{}</ul>").format(
                    Markup("").join(Markup("<li>{}</li>").format(i) for i in items)
                )
                if items
                else Markup("")
            )
        link = self.plain.get("OCKTO_LINK", "")
        values["OCKTO_QR"] = (
            Markup('<img class="qr" data-qr="{}" alt="QR-code">').format(link) if link else ""
        )
        for name in ("OCKTO_LINK", "UPLOAD_LINK"):
            url = self.plain.get(name, "")
            values[name] = Markup('<a href="{0}">{0}</a>').format(url) if url else ""
        values["BEZWAARCLAUSULE"] = Markup("<p>{}</p>").format(
            escape(self.plain["BEZWAARCLAUSULE"])
        )
        return values

    def text(self, name: str) -> str:
        if name in self.lists:
            return "\n".join(f"• {item}" for item in self.lists[name])
        return self.plain.get(name, "")


def objection_clause(style: dict[str, Any], reference: str) -> str:
    """Awb 3:45 and 6:7: that objection is possible, within six weeks, to whom, and how."""
    url = style.get("objection_url")
    how = f" U kunt ook digitaal bezwaar maken via {url}." if url else ""
    return (
        "Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken na de datum van deze "
        f"brief bezwaar maken (artikel 6:7 van de Algemene wet bestuursrecht). Stuur uw "
        f"bezwaarschrift naar {style['objection_to']}, {style['objection_address']}.{how} "
        f"Schrijf in uw bezwaarschrift uw naam en adres, de datum, het kenmerk van deze brief "
        f"({reference}) en waarom u het niet eens bent met het besluit. Zet uw handtekening "
        "eronder."
    )


def merge_values(
    *,
    case: dict[str, Any],
    style: dict[str, Any],
    municipality_name: str,
    letter_values: dict[str, Any],
    today: date,
) -> MergeValues:
    """Every field's value for one letter; missing facts are empty, never an error."""
    household = case.get("household") or {}
    applicant = household.get("applicant") or {}
    partner = household.get("partner")
    address = applicant.get("address") or {}
    number = str(address.get("house_number") or "")
    suffix = address.get("house_number_suffix") or ""
    reference = case.get("application_number") or ""
    submitted = case.get("submitted_at")
    reasons = [
        REASON_TEXT.get(code, "") or (letter_values.get("custom_reason") or "")
        for code in letter_values.get("reasons", [])
    ]
    contact = " · ".join(p for p in (style.get("contact_phone"), style.get("contact_email")) if p)
    plain = {
        "VOORLETTERS": applicant.get("initials") or "",
        "TUSSENVOEGSEL": applicant.get("prefix") or "",
        "ACHTERNAAM": applicant.get("last_name") or "",
        "VOORNAAM": applicant.get("first_name") or "",
        "AANHEF": salutation(applicant),
        "NAAM": full_name(applicant),
        "STRAAT": address.get("street") or "",
        "HUISNUMMER": f"{number}{suffix}" if not suffix[:1].isdigit() else f"{number}-{suffix}",
        "POSTCODE": address.get("postal_code") or "",
        "WOONPLAATS": address.get("city") or "",
        "PARTNER_NAAM": full_name(partner),
        "AANVRAAGNUMMER": reference,
        "AANVRAAGDATUM": long_date(submitted.date() if isinstance(submitted, datetime) else None),
        "DATUM": long_date(today),
        "INGANGSDATUM": long_date(_date(letter_values.get("effective_from"))),
        "TERMIJN_DATUM": long_date(_date(letter_values.get("term_ends_on"))),
        "TERMIJN_DAGEN": str(letter_values.get("term_days") or ""),
        "TOELICHTING": letter_values.get("message") or "",
        "OCKTO_LINK": letter_values.get("ockto_link") or "",
        "UPLOAD_LINK": letter_values.get("upload_link") or "",
        "CAMPAGNE": case.get("campaign") or "",
        "BEZWAARCLAUSULE": objection_clause(style, reference),
        "BEHANDELAAR": style.get("signature_name") or "",
        "GEMEENTE": municipality_name,
        "CONTACT": contact,
    }
    lists = {
        "REDENEN": [r for r in reasons if r],
        "GEVRAAGDE_STUKKEN": list(letter_values.get("items", [])),
    }
    return MergeValues(plain=plain, lists=lists)


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def sample_values() -> MergeValues:
    """Example values for checking a template on save (a made-up couple)."""
    plain = {field.name: field.example for field in FIELDS if field.name not in LIST_FIELDS}
    plain["OCKTO_LINK"] = "https://ockto.example/sessie/voorbeeld"
    plain["UPLOAD_LINK"] = "https://backoffice.example/inwoner/upload/voorbeeld"
    return MergeValues(
        plain=plain,
        lists={"REDENEN": ["Uw inkomen is te hoog."], "GEVRAAGDE_STUKKEN": ["loonstrook"]},
    )
