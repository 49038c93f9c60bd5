"""Licences: which features a municipality has (DOMAIN.md, "Licences").

The one table every service enforces from its own copy of a municipality's licence, which the
gateway announces with `gateway.municipality.licence_changed`.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Licence(StrEnum):
    BASIS = "basis"
    EXTRA = "extra"
    PREMIUM = "premium"


class Addon(StrEnum):
    RECHTMATIGHEID = "rechtmatigheid"
    """*Module Rechtmatigheid*: the system advice, an add-on to Premium."""


class Feature(StrEnum):
    CASES = "cases"
    """Cases from the website, overview, search, export, memos, on hold."""
    DECISIONS = "decisions"
    EMAIL = "email"
    """E-mail templates and sending."""
    LETTERS = "letters"
    """Letter templates, decision letters (beschikkingen) as PDF."""
    OCKTO = "ockto"
    """Data through Ockto."""
    RE_EXAMINATIONS = "re_examinations"
    """Re-examinations: the import and the campaigns."""
    ADVICE = "advice"
    """The system advice (Module Rechtmatigheid)."""


LICENCE_LABEL: Final = MappingProxyType(
    {Licence.BASIS: "Basis", Licence.EXTRA: "Extra", Licence.PREMIUM: "Premium"}
)
ADDON_LABEL: Final = MappingProxyType({Addon.RECHTMATIGHEID: "Module Rechtmatigheid"})
FEATURE_LABEL: Final = MappingProxyType(
    {
        Feature.CASES: "cases, overzicht, zoeken, export, memo's en in afwachting",
        Feature.DECISIONS: "besluiten vastleggen",
        Feature.EMAIL: "e-mailsjablonen en e-mail versturen",
        Feature.LETTERS: "briefsjablonen en beschikkingen als PDF",
        Feature.OCKTO: "gegevens via Ockto",
        Feature.RE_EXAMINATIONS: "heronderzoeken (import en campagnes)",
        Feature.ADVICE: "het rechtmatigheidsadvies (Module Rechtmatigheid)",
    }
)

_BASIS = frozenset({Feature.CASES})
_EXTRA = _BASIS | {Feature.DECISIONS, Feature.EMAIL}
_PREMIUM = _EXTRA | {Feature.LETTERS, Feature.OCKTO, Feature.RE_EXAMINATIONS}
FEATURES_OF_LICENCE: Final = MappingProxyType(
    {Licence.BASIS: _BASIS, Licence.EXTRA: _EXTRA, Licence.PREMIUM: _PREMIUM}
)
ADDON_FEATURES: Final = MappingProxyType({Addon.RECHTMATIGHEID: frozenset({Feature.ADVICE})})
ADDONS_REQUIRE: Final = MappingProxyType({Addon.RECHTMATIGHEID: Licence.PREMIUM})
"""The licence an add-on belongs to: it adds nothing to a smaller one."""

DEFAULT_LICENCE: Final = Licence.PREMIUM
DEFAULT_ADDONS: Final = frozenset({Addon.RECHTMATIGHEID})
"""What a municipality has before an operator sets its licence (every existing customer had
every feature before licences existed)."""


def features(
    licence: Licence, addons: frozenset[Addon] | set[Addon] = frozenset()
) -> frozenset[Feature]:
    """The features of a licence with its add-ons (an add-on of a larger licence adds nothing)."""
    granted = set(FEATURES_OF_LICENCE[licence])
    for addon in addons:
        if ADDONS_REQUIRE[addon] == licence:
            granted |= ADDON_FEATURES[addon]
    return frozenset(granted)


def licence_refusal(feature: Feature, licence: Licence) -> str:
    """The Dutch message of a 403 for a feature the municipality's licence does not include."""
    if feature in ADDON_FEATURES[Addon.RECHTMATIGHEID]:
        return (
            f"De licentie van deze gemeente ({LICENCE_LABEL[licence]}) omvat niet "
            f"{FEATURE_LABEL[feature]}: daarvoor is de Module Rechtmatigheid bij Premium nodig."
        )
    needed = next(lic for lic in Licence if feature in FEATURES_OF_LICENCE[lic])
    return (
        f"De licentie van deze gemeente ({LICENCE_LABEL[licence]}) omvat niet "
        f"{FEATURE_LABEL[feature]}: daarvoor is de licentie {LICENCE_LABEL[needed]} nodig."
    )
