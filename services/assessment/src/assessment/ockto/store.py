"""Data packages sealed at rest, and their plain form for the rules.

A package holds one source's data of a case in our own JSON form (the fields of the Ockto
contract, plus `document_ids` for manual entries), sealed with AES-GCM; the associated data
is the package's and the case's id, so a ciphertext only opens on its own row.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from assessment.advice.facts import AssetItem, DataSet, IncomeItem, Origin, Person
from assessment.crypto import Keyring, Sealed
from assessment.ockto.models import DataPackage


def _associated(package_id: uuid.UUID, case_id: uuid.UUID) -> bytes:
    return f"package:{package_id}:{case_id}".encode()


def seal(
    keyring: Keyring,
    *,
    package_id: uuid.UUID,
    case_id: uuid.UUID,
    origin: Origin,
    document: dict[str, Any],
    recorded_by: str,
    recorded_at: datetime,
    session_id: uuid.UUID | None = None,
    delivery_id: uuid.UUID | None = None,
) -> DataPackage:
    sealed = keyring.seal(
        json.dumps(document, separators=(",", ":")).encode(),
        associated=_associated(package_id, case_id),
    )
    return DataPackage(
        id=package_id,
        case_id=case_id,
        origin=origin,
        session_id=session_id,
        delivery_id=delivery_id,
        persons=list(document["persons_covered"]),
        recorded_by=recorded_by,
        recorded_at=recorded_at,
        key_id=sealed.key_id,
        nonce=sealed.nonce,
        ciphertext=sealed.ciphertext,
    )


def open_package(keyring: Keyring, package: DataPackage) -> dict[str, Any]:
    plain = keyring.open(
        Sealed(package.key_id, package.nonce, package.ciphertext),
        associated=_associated(package.id, package.case_id),
    )
    document: dict[str, Any] = json.loads(plain)
    return document


def data_set(origin: Origin, document: dict[str, Any]) -> DataSet:
    """The rules' view of a package."""
    covered: tuple[Person, ...] = tuple(document["persons_covered"])
    return DataSet(
        origin=origin,
        persons=covered,
        incomes=tuple(
            IncomeItem(
                person=i["person"],
                kind=i["kind"],
                source=i.get("source", "manual"),
                payer=i.get("payer", ""),
                period_start=date.fromisoformat(i["period_start"]),
                period_end=date.fromisoformat(i["period_end"]),
                frequency=i["frequency"],
                net_amount=Decimal(str(i["net_amount"])),
                holiday_allowance_included=bool(i["holiday_allowance_included"]),
                allowance_kind=i.get("allowance_kind"),
            )
            for i in document["incomes"]
        ),
        assets=tuple(
            AssetItem(
                person=a["person"],
                kind=a["kind"],
                source=a.get("source", "manual"),
                institution=a.get("institution", ""),
                reference_date=date.fromisoformat(a["reference_date"]),
                balance=Decimal(str(a["balance"])),
            )
            for a in document["assets"]
        ),
        sources=tuple(
            (p["role"], frozenset(p.get("sources", ()))) for p in document.get("persons", ())
        ),
        partner_detected=document.get("partner_detected"),
    )
