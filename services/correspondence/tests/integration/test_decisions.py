"""The decision letter: drafted on the decision, previewed by the beslisser, sent on
"akkoord en verzenden"; sealed when a certificate is configured; Extra: the e-mail only."""

from __future__ import annotations

import base64
import datetime as dt
import io
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from contracts.assessment import DecisionRecorded
from contracts.licences import Licence
from contracts.organisations import LicenceChanged
from servicekit.testing import eventually

from .conftest import Correspondence
from .helpers import opened, received_for
from .support import BEHANDELAAR, BESLISSER, CODE, publish


def decision(
    case_id: uuid.UUID, *, outcome: str = "rejected", by: str = "bes-1"
) -> DecisionRecorded:
    return DecisionRecorded(
        decision_id=uuid.uuid4(),
        case_id=case_id,
        municipality_code=CODE,
        outcome=outcome,  # type: ignore[arg-type]
        basis="assessment",
        reasons=("income_too_high",) if outcome == "rejected" else (),
        effective_from=dt.date(2027, 1, 1) if outcome == "granted" else None,
        decided_by=by,
        decided_at=dt.datetime.now(dt.UTC),
    )


async def test_preview_then_akkoord_en_verzenden(correspondence: Correspondence) -> None:
    case = await opened(correspondence, couple=True)
    await received_for(correspondence, case.case_id)  # the acknowledgement
    await publish(correspondence.bus, decision(case.case_id))
    await correspondence.letters_with(case.case_id, "draft")
    headers = correspondence.headers(BESLISSER)
    preview = await correspondence.client.get(
        f"/cases/{case.case_id}/decision-letter", headers=headers
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["status"] == "draft"
    assert body["kind"] == "decision_rejected"
    assert body["channels"] == ["email"]
    assert "inkomen is hoger" in body["text"]
    assert "binnen zes weken" in body["text"]
    pdf_text = PdfReader(io.BytesIO(base64.b64decode(body["pdf_base64"]))).pages[0].extract_text()
    assert "M. Jansen" in pdf_text
    assert "bezwaar" in pdf_text
    assert len(correspondence.smtp.received()) == 1  # nothing sent before the akkoord
    refused = await correspondence.client.post(
        f"/cases/{case.case_id}/decision-letter/send", headers=correspondence.headers(BEHANDELAAR)
    )
    assert refused.status_code == 403
    sent = await correspondence.client.post(
        f"/cases/{case.case_id}/decision-letter/send",
        json={"template_versions": body["template_versions"]},
        headers=headers,
    )
    assert sent.status_code == 202, sent.text
    messages = await received_for(correspondence, case.case_id, 2)
    mail = messages[-1].message()
    assert mail["Subject"] == "Besluit: u krijgt geen bijdrage voor de Gemeentepolis"
    assert "binnen zes weken" in mail.get_body(preferencelist=("plain",)).get_content()
    again = await correspondence.client.post(
        f"/cases/{case.case_id}/decision-letter/send", headers=headers
    )
    assert again.status_code == 409
    (letter,) = await correspondence.rows(
        "SELECT approved_by, status FROM letters WHERE kind = 'decision_rejected'"
    )
    assert letter.approved_by == "bes-1"


async def test_a_system_decision_goes_without_a_beslisser(correspondence: Correspondence) -> None:
    case = await opened(correspondence)
    await publish(correspondence.bus, decision(case.case_id, outcome="granted", by="system"))
    messages = await received_for(correspondence, case.case_id, 2)
    assert any("u krijgt de bijdrage" in (m.message()["Subject"] or "") for m in messages)


async def test_extra_licence_sends_the_decision_only_as_email(
    correspondence: Correspondence,
) -> None:
    await publish(
        correspondence.bus,
        LicenceChanged(
            code=CODE, licence=Licence.EXTRA, changed_by="op", changed_at=dt.datetime.now(dt.UTC)
        ),
    )

    async def extra() -> bool:
        return (
            await correspondence.scalar(
                "SELECT licence FROM tenant_municipalities WHERE code = :c", c=CODE
            )
            == "extra"
        )

    await eventually(extra)
    case = await opened(correspondence)
    await publish(correspondence.bus, decision(case.case_id, outcome="granted", by="system"))
    messages = await received_for(correspondence, case.case_id, 2)
    decided = messages[-1].message()
    assert list(decided.iter_attachments()) == []  # no PDF letter under Extra
    rows = await correspondence.rows(
        "SELECT channel, pdf IS NULL AS no_pdf FROM letters WHERE kind = 'decision_granted'"
    )
    assert [(r.channel, r.no_pdf) for r in rows] == [("email", True)]


def make_certificate(folder: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Gemeente Amsterdam (test)")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    path = folder / "0363.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"zegel", key, certificate, None, BestAvailableEncryption(b"geheim")
        )
    )
    return path


CERTS = Path(tempfile.mkdtemp(prefix="seal-"))
SEALED: dict[str, Any] = {
    "seal_certificates": {
        CODE: {"pkcs12_path": str(make_certificate(CERTS)), "passphrase": "geheim"}
    }
}


@pytest.mark.parametrize("correspondence_overrides", [SEALED], indirect=True)
async def test_decision_letter_sealed_with_the_municipalitys_certificate(
    correspondence: Correspondence,
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    case = await opened(correspondence)
    await publish(correspondence.bus, decision(case.case_id, outcome="granted", by="system"))
    messages = await received_for(correspondence, case.case_id, 2)
    (attachment,) = list(messages[-1].message().iter_attachments())
    pdf = attachment.get_content()
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    root = x509.load_der_x509_certificate(signature.signer_cert.dump())
    context = ValidationContext(trust_roots=[signature.signer_cert], allow_fetching=False)
    status = await async_validate_pdf_signature(signature, context)
    assert status.intact, status.pretty_print_details()
    assert status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert root.subject.rfc4514_string() == "CN=Gemeente Amsterdam (test)"
    assert (
        await correspondence.scalar("SELECT sealed FROM letters WHERE kind = 'decision_granted'")
    ) is True
