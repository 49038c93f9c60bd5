"""The external Ockto contract: the signed data delivery v1 (docs/contracts, section 4)."""

from contracts.ockto.contract import (
    SCHEMA,
    SIGNATURE_HEADER,
    SIGNATURE_TOLERANCE_SECONDS,
    Asset,
    Consent,
    DeliveredPerson,
    Income,
    IncomeKind,
    OcktoDelivery,
    Source,
    SourceDocument,
    example_bodies,
    sign,
)

__all__ = [
    "SCHEMA",
    "SIGNATURE_HEADER",
    "SIGNATURE_TOLERANCE_SECONDS",
    "Asset",
    "Consent",
    "DeliveredPerson",
    "Income",
    "IncomeKind",
    "OcktoDelivery",
    "Source",
    "SourceDocument",
    "example_bodies",
    "sign",
]
