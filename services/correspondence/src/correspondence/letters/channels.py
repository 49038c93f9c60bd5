"""The residents' contact rules (external contract §5): which channel a message goes by.

- Applications from the website are answered by e-mail (the resident gave an address there);
  by post only when that address is missing or invalid.
- Re-examinations go by post, plus e-mail where an address is known and the resident agreed
  to e-mail for that kind of message.
- The licence decides what exists: without letters (Extra) only the e-mail goes, without a PDF;
  with neither (Basis) nothing goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contracts.licences import Feature

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

NO_ADDRESS = "Geen postadres bekend: de brief kan niet worden verstuurd. Vul het adres aan."
NO_CHANNEL = (
    "Geen geldig e-mailadres bekend, en de licentie van de gemeente omvat geen brieven per post."
)


@dataclass(frozen=True)
class Route:
    channel: str
    recipient: str | None
    problem: str | None = None


def valid_email(value: str | None) -> bool:
    return bool(value) and len(value or "") <= 254 and _EMAIL.match(value or "") is not None


def has_address(case: dict[str, Any]) -> bool:
    address = ((case.get("household") or {}).get("applicant") or {}).get("address") or {}
    return bool(address.get("street") and address.get("postal_code") and address.get("city"))


def email_of(case: dict[str, Any]) -> str | None:
    value = ((case.get("household") or {}).get("applicant") or {}).get("email")
    return value if isinstance(value, str) else None


def post_route(case: dict[str, Any]) -> Route:
    return Route("post", None) if has_address(case) else Route("post", None, NO_ADDRESS)


def routes(
    *, case: dict[str, Any], kind: str, email_consent: bool, features: frozenset[Feature]
) -> list[Route]:
    """Where this message goes: one route per channel, or one with the problem that stops it;
    none at all when the licence holds neither e-mail nor letters (Basis: the municipality
    writes to residents outside the backoffice, so nothing here failed)."""
    if Feature.EMAIL not in features and Feature.LETTERS not in features:
        return []
    email = email_of(case)
    email_ok = valid_email(email) and Feature.EMAIL in features
    letters = Feature.LETTERS in features
    post = post_route(case)
    if case.get("kind") == "re_examination":
        chosen = [post] if letters else []
        if email_ok and email_consent:
            chosen.append(Route("email", email))
        return chosen or [Route("email", None, NO_CHANNEL)]
    if email_ok:
        return [Route("email", email)]
    if letters:
        return [post]
    return [Route("email", None, NO_CHANNEL)]


def sort_key(case: dict[str, Any]) -> str:
    """Address order for the post room: postal code, street, number, suffix."""
    address = ((case.get("household") or {}).get("applicant") or {}).get("address") or {}
    postal = (address.get("postal_code") or "").replace(" ", "").upper()
    return "|".join(
        (
            postal,
            (address.get("street") or "").lower(),
            f"{int(address.get('house_number') or 0):06d}",
            (address.get("house_number_suffix") or "").lower(),
        )
    )
