"""Names instead of codes on the screens: who acted (a staff member by name, an API key by its
label, "Systeem") and municipalities by name.

Services store who acted as the subject the gateway gave them (`user:<username>`,
`api-key:<id>`, `system`, `service:<name>`, `cli`); the gateway knows the names behind them in
its own database, read once per request for the signed-in staff member (a few hundred rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import ApiKey
from gateway.organisations import list_organisations
from gateway.staff.models import User

SYSTEM = "Systeem"
_FIXED = {"system": SYSTEM, "cli": "beheer-opdrachtregel"}


@dataclass(frozen=True)
class Names:
    people: Mapping[str, str] = field(default_factory=dict)
    """username → display name"""
    keys: Mapping[str, str] = field(default_factory=dict)
    """API key id → its label"""
    organisations: Mapping[str, str] = field(default_factory=dict)
    """municipality code or ISD id → name"""

    def actor(self, value: Any) -> str:
        """Who acted, in words: "Demo Behandelaar", "Systeem", "API-sleutel Website"."""
        if value is None or value == "":
            return ""
        text = str(value)
        if text in _FIXED:
            return _FIXED[text]
        kind, _, rest = text.partition(":")
        if kind == "user" and rest:
            return self.people.get(rest, rest)
        if kind in ("api-key", "key") and rest:
            return f"API-sleutel {self.keys.get(rest) or rest}"
        if kind == "service":
            return SYSTEM
        return self.people.get(text, text)

    def account(self, value: Any) -> str:
        """Who acted, for the audit logs: a staff member by name with the account that
        identifies them ("Demo Behandelaar (demo@teylingen)"), the rest as `actor`."""
        name = self.actor(value)
        text = str(value or "")
        username = text.removeprefix("user:") if text.startswith("user:") else ""
        return f"{name} ({username})" if username and name != username else name

    def organisation(self, value: Any) -> str:
        """A municipality (or ISD) by name; the code when the gateway does not know it."""
        if value is None or value == "":
            return ""
        return self.organisations.get(str(value), str(value))


async def load_names(session: AsyncSession) -> Names:
    users = await session.execute(select(User.username, User.display_name))
    people = {str(username): str(name) for username, name in users.all()}
    api_keys = await session.execute(select(ApiKey.id, ApiKey.label))
    keys = {str(key_id): str(label) for key_id, label in api_keys.all() if label}
    organisations = {o.id: o.name for o in await list_organisations(session)}
    return Names(people=people, keys=keys, organisations=organisations)
