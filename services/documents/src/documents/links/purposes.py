"""Why a resident is asked to upload: the one vocabulary of link purposes, with the words the
portal shows."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, Literal

LinkPurpose = Literal["information_request", "income_evidence", "asset_evidence", "evidence"]

PURPOSE_LABEL: Final = MappingProxyType(
    {
        "information_request": "De gegevens die wij u hebben gevraagd",
        "income_evidence": "Bewijs van uw inkomen, zoals loonstroken of een uitkeringsspecificatie",
        "asset_evidence": "Bewijs van uw vermogen, zoals bankafschriften",
        "evidence": "Bewijsstukken voor uw aanvraag",
    }
)
