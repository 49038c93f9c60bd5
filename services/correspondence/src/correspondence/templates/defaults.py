"""The default template of every kind and channel, in plain Dutch (B1).

A new municipality sends with these on day one; every save of its own makes a new version.
Letters (`post`) and e-mails (`email`) share the text; an e-mail says the letter is attached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from contracts.vocabulary import CHANNEL_LABEL, LETTER_KIND_LABEL

KINDS: Final = tuple(LETTER_KIND_LABEL)
CHANNELS: Final = tuple(CHANNEL_LABEL)


@dataclass(frozen=True)
class Default:
    subject: str
    body: str


_CLOSING = "<p>Met vriendelijke groet,</p><p>namens het college van burgemeester en wethouders,</p>"
_QUESTIONS = (
    "<p>Hebt u vragen? Bel of mail ons: $CONTACT$. Noem dan het kenmerk $AANVRAAGNUMMER$.</p>"
)
_PARTNER = (
    "{% if PARTNER_NAAM %}<p>Deze brief gaat ook over uw partner, $PARTNER_NAAM$.</p>{% endif %}"
)

_BODIES = {
    "acknowledgement": Default(
        "Wij hebben uw aanvraag ontvangen",
        "<p>$AANHEF$,</p>"
        "<p>Op $AANVRAAGDATUM$ hebt u een bijdrage gevraagd voor de Gemeentepolis. "
        "Wij hebben uw aanvraag goed ontvangen. Het nummer van uw aanvraag is $AANVRAAGNUMMER$.</p>"
        + _PARTNER
        + "<h2>Wat gebeurt er nu?</h2>"
        "<p>Wij kijken of u recht hebt op de bijdrage. Misschien vragen wij u om gegevens over uw "
        "inkomen en vermogen. Dat doen wij dan in een aparte brief of e-mail. U hoeft nu niets "
        "te doen.</p>" + _QUESTIONS + _CLOSING,
    ),
    "data_invitation": Default(
        "Lever uw gegevens aan voor de Gemeentepolis",
        "<p>$AANHEF$,</p>"
        "<p>U hebt een bijdrage gevraagd voor de Gemeentepolis (aanvraag $AANVRAAGNUMMER$). "
        "Om te kijken of u daar recht op hebt, hebben wij gegevens nodig over uw inkomen en "
        "vermogen.</p>" + _PARTNER + "<h2>Zo levert u uw gegevens aan</h2>"
        "<p>Het makkelijkst gaat dat met de app Ocktó. U logt in met DigiD. De app haalt uw "
        "gegevens op bij de Belastingdienst, UWV, MijnOverheid en uw pensioenfonds. U ziet "
        "eerst zelf wat u deelt. Pas als u toestemming geeft, krijgen wij de gegevens.</p>"
        "<p>Open deze link: $OCKTO_LINK$</p><p>Of scan de QR-code met uw telefoon:</p>"
        "<p>$OCKTO_QR$</p>"
        "<h2>Liever geen app?</h2>"
        "<p>Dan kunt u ook kopieën van uw loonstroken, uitkeringsspecificaties en "
        "bankafschriften uploaden via $UPLOAD_LINK$.</p>" + _QUESTIONS + _CLOSING,
    ),
    "re_examination_invitation": Default(
        "Heronderzoek Gemeentepolis: lever uw gegevens aan",
        "<p>$AANHEF$,</p>"
        "<p>U krijgt een bijdrage van de gemeente in de premie van de Gemeentepolis. Elk jaar "
        "kijken wij of u daar nog recht op hebt. Dat heet een heronderzoek ($CAMPAGNE$).</p>"
        + _PARTNER
        + "<h2>Wat vragen wij van u?</h2>"
        "<p>Lever uw gegevens over inkomen en vermogen aan met de app Ocktó. U logt in met "
        "DigiD en geeft zelf toestemming voordat wij iets krijgen.</p>"
        "<p>Open deze link: $OCKTO_LINK$</p><p>Of scan de QR-code met uw telefoon:</p>"
        "<p>$OCKTO_QR$</p>"
        "<p>Liever geen app? Upload dan kopieën van uw inkomens- en bankgegevens via "
        "$UPLOAD_LINK$.</p>"
        "<p>Doet u niets? Dan kunnen wij niet vaststellen of u nog recht hebt op de bijdrage. "
        "De bijdrage kan dan stoppen.</p>" + _QUESTIONS + _CLOSING,
    ),
    "information_request": Default(
        "Wij hebben meer informatie nodig",
        "<p>$AANHEF$,</p>"
        "<p>Wij zijn bezig met uw aanvraag $AANVRAAGNUMMER$. Wij hebben nog informatie van u "
        "nodig om een besluit te kunnen nemen:</p>$GEVRAAGDE_STUKKEN$"
        "{% if TOELICHTING %}<p>$TOELICHTING$</p>{% endif %}"
        "<h2>Stuur de informatie vóór $TERMIJN_DATUM$</h2>"
        "<p>U hebt daarvoor $TERMIJN_DAGEN$ dagen, tot en met $TERMIJN_DATUM$. Upload de "
        "stukken via uw persoonlijke link: $UPLOAD_LINK$</p>"
        "<p>Krijgen wij de informatie niet op tijd? Dan kunnen wij uw aanvraag niet verder "
        "behandelen (artikel 4:5 van de Algemene wet bestuursrecht). Wij nemen uw aanvraag "
        "dan niet in behandeling.</p>" + _QUESTIONS + _CLOSING,
    ),
    "reminder": Default(
        "Herinnering: wij wachten nog op uw gegevens",
        "<p>$AANHEF$,</p>"
        "<p>Enige tijd geleden hebben wij u gevraagd om gegevens aan te leveren voor de "
        "Gemeentepolis (kenmerk $AANVRAAGNUMMER$). Wij hebben die nog niet ontvangen.</p>"
        "{% if TERMIJN_DATUM %}<p>Stuur de gegevens uiterlijk op $TERMIJN_DATUM$.</p>{% endif %}"
        "{% if OCKTO_LINK %}<p>Lever uw gegevens aan via Ocktó: $OCKTO_LINK$</p>{% endif %}"
        "{% if UPLOAD_LINK %}<p>Of upload uw stukken via $UPLOAD_LINK$</p>{% endif %}"
        "<p>Hebt u de gegevens al gestuurd? Dan hoeft u niets meer te doen.</p>"
        + _QUESTIONS
        + _CLOSING,
    ),
    "decision_granted": Default(
        "Besluit: u krijgt de bijdrage voor de Gemeentepolis",
        "<p>$AANHEF$,</p>"
        "<p>U hebt op $AANVRAAGDATUM$ een bijdrage gevraagd in de premie van de Gemeentepolis "
        "(kenmerk $AANVRAAGNUMMER$). Wij hebben uw aanvraag beoordeeld.</p>"
        "<h2>Ons besluit</h2>"
        "<p>U krijgt de bijdrage{% if INGANGSDATUM %} vanaf $INGANGSDATUM${% endif %}. Uw "
        "inkomen en vermogen zijn niet hoger dan de grenzen die de gemeente hanteert.</p>"
        + _PARTNER
        + "<p>Verandert er iets in uw inkomen, vermogen of gezin? Geef dat dan binnen vier "
        "weken aan ons door.</p>"
        "<h2>Bent u het niet eens met dit besluit?</h2>$BEZWAARCLAUSULE$" + _QUESTIONS + _CLOSING,
    ),
    "decision_rejected": Default(
        "Besluit: u krijgt geen bijdrage voor de Gemeentepolis",
        "<p>$AANHEF$,</p>"
        "<p>U hebt op $AANVRAAGDATUM$ een bijdrage gevraagd in de premie van de Gemeentepolis "
        "(kenmerk $AANVRAAGNUMMER$). Wij hebben uw aanvraag beoordeeld.</p>"
        "<h2>Ons besluit</h2><p>U krijgt de bijdrage niet. De reden is:</p>$REDENEN$"
        + _PARTNER
        + "<h2>Bent u het niet eens met dit besluit?</h2>$BEZWAARCLAUSULE$"
        + _QUESTIONS
        + _CLOSING,
    ),
    "not_processed": Default(
        "Besluit: wij behandelen uw aanvraag niet verder",
        "<p>$AANHEF$,</p>"
        "<p>Wij hebben u gevraagd om informatie voor uw aanvraag $AANVRAAGNUMMER$. U had "
        "daarvoor tijd tot en met $TERMIJN_DATUM$. Wij hebben de informatie niet ontvangen.</p>"
        "<h2>Ons besluit</h2>"
        "<p>Wij nemen uw aanvraag niet in behandeling (artikel 4:5 van de Algemene wet "
        "bestuursrecht). U krijgt dus geen bijdrage. U kunt altijd een nieuwe aanvraag "
        "doen.</p>"
        + _PARTNER
        + "<h2>Bent u het niet eens met dit besluit?</h2>$BEZWAARCLAUSULE$"
        + _QUESTIONS
        + _CLOSING,
    ),
}

_EMAIL_NOTE = "<p>In de bijlage vindt u deze brief ook als PDF. Bewaar die goed.</p>"


def default(kind: str, channel: str) -> Default:
    body = _BODIES[kind]
    if channel == "email":
        return Default(body.subject, body.body.replace(_CLOSING, _EMAIL_NOTE + _CLOSING))
    return body
