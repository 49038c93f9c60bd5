"""Every route answers 404 to a principal of another municipality (with a role that would be
allowed), and nothing changes; roles without case data are refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from servicekit.auth import Role

from .. import samples
from .support import Harness


@pytest.fixture
async def amsterdam(harness: Harness) -> dict[str, str]:
    """A case of Amsterdam with a document and a link; their ids."""
    case_id = await harness.open_case("0363")
    document = (await harness.upload(case_id, samples.pdf())).json()
    link = await harness.client.post(
        f"/cases/{case_id}/upload-links",
        json={
            "purpose": "evidence",
            "expires_at": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
            "message": "Stuur uw loonstrook.",
        },
        headers=harness.headers(),
    )
    assert link.status_code == 201, link.text
    return {"case": str(case_id), "document": document["id"], "link": link.json()["id"]}


ROUTES: list[tuple[str, str, Role]] = [
    ("POST", "/cases/{case}/documents", "behandelaar"),
    ("GET", "/cases/{case}/documents", "raadpleger"),
    ("GET", "/documents/{document}", "raadpleger"),
    ("GET", "/documents/{document}/content", "raadpleger"),
    ("POST", "/cases/{case}/upload-links", "behandelaar"),
    ("GET", "/cases/{case}/upload-links", "raadpleger"),
    ("DELETE", "/upload-links/{link}", "behandelaar"),
    ("GET", "/municipalities/0363/retention", "raadpleger"),
    ("PUT", "/municipalities/0363/retention", "functioneel_beheerder"),
    ("PUT", "/cases/{case}/legal-hold", "beslisser"),
    ("DELETE", "/cases/{case}/legal-hold", "beslisser"),
]


def _request(harness: Harness, method: str, path: str, headers: dict[str, str]) -> httpx.Request:
    if path.endswith("/documents") and method == "POST":
        return harness.client.build_request(
            method,
            path,
            data={"kind": "payslip"},
            files={"file": ("a.pdf", samples.pdf())},
            headers=headers,
        )
    body = {
        "/upload-links": {
            "purpose": "evidence",
            "expires_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            "message": "x",
        },
        "/retention": {"letter_years": 1, "evidence_years": 1},
        "/legal-hold": {"reason": "bezwaar loopt"},
    }
    payload = next((value for end, value in body.items() if path.endswith(end)), None)
    if method in {"POST", "PUT"} and payload is not None:
        return harness.client.build_request(method, path, json=payload, headers=headers)
    return harness.client.build_request(method, path, headers=headers)


@pytest.mark.parametrize(("method", "path", "role"), ROUTES)
async def test_another_municipality_gets_404(
    harness: Harness, amsterdam: dict[str, str], method: str, path: str, role: Role
) -> None:
    url = path.format(**amsterdam)
    rotterdam = harness.headers("0599", role=role)

    response = await harness.client.send(_request(harness, method, url, rotterdam))

    assert response.status_code == 404, response.text
    own = await harness.client.send(
        _request(harness, method, url, harness.headers("0363", role=role))
    )
    assert own.status_code < 400, own.text
    case_id = uuid.UUID(amsterdam["case"])
    assert len(await harness.documents_of(case_id)) == (
        2 if path == "/cases/{case}/documents" and method == "POST" else 1
    )


@pytest.mark.parametrize("role", ["auditor", "operator"])
async def test_roles_without_case_data_are_refused(
    harness: Harness, amsterdam: dict[str, str], role: Role
) -> None:
    headers = harness.headers("0363", role=role)
    for url in (
        f"/cases/{amsterdam['case']}/documents",
        f"/documents/{amsterdam['document']}/content",
    ):
        response = await harness.client.get(url, headers=headers)
        assert response.status_code == 403


async def test_without_the_internal_token_nothing_is_answered(
    harness: Harness, amsterdam: dict[str, str]
) -> None:
    response = await harness.client.get(f"/documents/{amsterdam['document']}")
    assert response.status_code == 401


async def test_a_case_not_heard_of_is_not_found(harness: Harness) -> None:
    response = await harness.upload(uuid.uuid4(), samples.pdf())
    assert response.status_code == 404
