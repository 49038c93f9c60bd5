"""Upload and download against the real S3 endpoint: checksums, sources, the access log, the
event, idempotency (also racing), a corrupted object detected on read."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io

from PIL import Image
from sqlalchemy import select

from documents.models import AccessLog

from .. import samples
from .support import Harness


async def test_upload_and_download_with_the_checksum(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    data = samples.pdf(pages=2)

    response = await harness.upload(case_id, data, "Loonstrook maart.pdf")

    assert response.status_code == 201, response.text
    document = response.json()
    assert document["sha256"] == hashlib.sha256(data).hexdigest()
    assert (document["size_bytes"], document["content_type"]) == (len(data), "application/pdf")
    assert (document["source"], document["kind"], document["file_name"]) == (
        "staff",
        "payslip",
        "Loonstrook maart.pdf",
    )
    download = await harness.client.get(
        f"/documents/{document['id']}/content", headers=harness.headers()
    )
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["x-content-sha256"] == document["sha256"]
    assert download.headers["repr-digest"] == (
        "sha-256=:" + base64.b64encode(hashlib.sha256(data).digest()).decode() + ":"
    )
    assert download.headers["content-type"] == "application/pdf"
    assert "Loonstrook%20maart.pdf" in download.headers["content-disposition"]
    added = await harness.outbox("documents.document.added", case_id)
    assert [event["data"]["source"] for event in added] == ["staff"]
    assert added[0]["data"]["document_id"] == document["id"]


async def test_object_keys_reveal_nothing(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    response = await harness.upload(case_id, samples.pdf(), "Jansen 123456782.pdf")
    (stored,) = await harness.documents_of(case_id)
    assert stored.object_key in await harness.objects()
    assert "Jansen" not in stored.object_key
    assert str(case_id) not in stored.object_key
    assert response.json()["id"] not in stored.object_key


async def test_listing_shows_every_source_and_is_in_the_access_log(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    await harness.upload(case_id, samples.pdf(), "post.pdf", kind="bank_statement")
    await harness.upload(
        case_id, samples.pdf(), "brief.pdf", kind="letter", headers=harness.system_headers()
    )

    listing = await harness.client.get(f"/cases/{case_id}/documents", headers=harness.headers())

    assert listing.status_code == 200
    items = listing.json()["items"]
    assert [(item["kind"], item["source"]) for item in items] == [
        ("bank_statement", "staff"),
        ("letter", "system"),
    ]
    letters = [d for d in await harness.documents_of(case_id) if d.kind == "letter"]
    assert letters[0].bucket == harness.settings.letters_bucket
    await harness.client.get(f"/documents/{items[0]['id']}/content", headers=harness.headers())
    async with harness.database.sessions() as session:
        entries = (
            await session.scalars(
                select(AccessLog).where(AccessLog.case_id == case_id).order_by(AccessLog.id)
            )
        ).all()
    assert [(e.action, e.actor, e.organisation, e.municipality_code) for e in entries] == [
        ("documents.listed", "medewerker-1", "0363", "0363"),
        ("document.downloaded", "medewerker-1", "0363", "0363"),
    ]
    assert entries[0].row_count == 2
    assert entries[1].purpose == "case_handling"
    assert all(e.trace_id for e in entries)
    assert all("post.pdf" not in str(e.details) for e in entries)


async def test_a_photo_is_stored_without_its_location(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    response = await harness.upload(case_id, samples.jpeg(gps=True), "IMG_0042.JPG", kind="other")
    assert response.status_code == 201, response.text
    download = await harness.client.get(
        f"/documents/{response.json()['id']}/content", headers=harness.headers()
    )
    with Image.open(io.BytesIO(download.content)) as image:
        assert samples.GPS_IFD not in image.getexif()
        assert len(image.getexif()) == 0
    assert hashlib.sha256(download.content).hexdigest() == response.json()["sha256"]


async def test_a_corrupted_object_is_detected_and_not_handed_out(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    response = await harness.upload(case_id, samples.pdf(), "loonstrook.pdf")
    (stored,) = await harness.documents_of(case_id)
    tampered = samples.pdf(pages=3)
    harness.s3.put_object(stored.bucket, stored.object_key, io.BytesIO(tampered), len(tampered))

    download = await harness.client.get(
        f"/documents/{response.json()['id']}/content", headers=harness.headers()
    )

    assert download.status_code == 502
    assert "beschadigd" in download.json()["detail"]
    assert b"%PDF" not in download.content


async def test_the_same_idempotency_key_twice_at_once_stores_one_document(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    before = await harness.objects()
    data = samples.pdf(padding=512 * 1024)

    first, second = await asyncio.gather(
        harness.upload(case_id, data, "brief.pdf", kind="letter", idempotency_key="letter-7"),
        harness.upload(case_id, data, "brief.pdf", kind="letter", idempotency_key="letter-7"),
    )

    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["id"] == second.json()["id"]
    assert len(await harness.documents_of(case_id)) == 1
    assert len(await harness.objects() - before) == 1
    assert len(await harness.outbox("documents.document.added", case_id)) == 1
    assert await harness.pending() == 0
    again = await harness.upload(
        case_id, data, "brief.pdf", kind="letter", idempotency_key="letter-7"
    )
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])


async def test_a_checksum_given_by_the_caller_is_checked(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    data = samples.pdf()
    wrong = await harness.upload(case_id, data, sha256=hashlib.sha256(b"other").hexdigest())
    right = await harness.upload(case_id, data, sha256=hashlib.sha256(data).hexdigest())
    assert (wrong.status_code, wrong.json()["reason"]) == (422, "checksum_mismatch")
    assert right.status_code == 201


async def test_the_limit_per_case_holds_for_uploads_at_once(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    limit = harness.settings.max_case_bytes
    data = samples.pdf(padding=5 * 1024 * 1024)
    fits = limit // len(data)

    answers = await asyncio.gather(
        *(harness.upload(case_id, data, f"deel-{n}.pdf") for n in range(fits + 2))
    )

    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201] * fits + [413, 413]
    assert {a.json()["reason"] for a in answers if a.status_code == 413} == {"case_full"}
    assert len(await harness.documents_of(case_id)) == fits
    assert await harness.pending() == 0
