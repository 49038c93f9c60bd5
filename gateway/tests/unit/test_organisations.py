"""Validation of organisation identifiers, the seed file, and the public API description."""

from __future__ import annotations

import json

import pytest

from gateway import organisations
from gateway.errors import InvalidInputError
from gateway.main import create_app
from gateway.settings import DEFAULT_SEED_FILE, GatewaySettings


@pytest.mark.parametrize("code", ["363", "03630", "abcd", "", "0363 "])
def test_malformed_municipality_codes(code: str) -> None:
    with pytest.raises(InvalidInputError, match="malformed"):
        organisations.validate_code(code)


@pytest.mark.parametrize("isd_id", ["platform", "ISD-X", "1isd", "x", "isd_x", "0363"])
def test_malformed_isd_ids(isd_id: str) -> None:
    with pytest.raises(InvalidInputError, match="malformed"):
        organisations.validate_isd_id(isd_id)


def test_names_are_tidied() -> None:
    assert organisations.validate_name("  ISD   Bollenstreek ") == "ISD Bollenstreek"


def test_the_repository_seed_file_is_valid_and_consistent() -> None:
    seed = organisations.read_seed_file(DEFAULT_SEED_FILE)

    codes = {m.code for m in seed.municipalities}
    assert {"0363", "0599"} <= codes
    assert all(organisations.MUNICIPALITY_CODE.fullmatch(code) for code in codes)
    for isd in seed.isds:
        assert set(isd.members) <= codes


def test_a_seed_file_with_unknown_fields_is_refused(tmp_path: object) -> None:
    path = DEFAULT_SEED_FILE.parent / "does-not-exist.json"
    with pytest.raises(InvalidInputError, match="cannot read"):
        organisations.read_seed_file(path)
    bad = organisations.SeedFile.model_json_schema()
    assert bad["additionalProperties"] is False
    assert json.loads(json.dumps(bad))


def test_the_public_api_is_described() -> None:
    schema = create_app(GatewaySettings()).openapi()

    assert schema["info"]["title"] == "Gemeentepolis backoffice API"
    public = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/v1/")}
    assert set(public) == {
        "/api/v1/overview",
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/quarantine",
        "/api/v1/quarantine/{quarantine_id}/reprocess",
        "/api/v1/intake/applications",
        "/api/v1/imports/re-examinations",
        "/api/v1/imports/{import_id}",
        "/api/v1/imports/{import_id}/report.csv",
        # case handling (gateway/cases/api/handling.py)
        "/api/v1/cases/{case_id}/transitions",
        "/api/v1/cases/{case_id}/hold",
        "/api/v1/cases/{case_id}/memos",
        "/api/v1/cases/{case_id}/assignee",
        "/api/v1/cases/{case_id}/history",
        "/api/v1/cases/{case_id}/handling",
        # reporting (gateway/cases/api/reporting.py)
        "/api/v1/cases/export.csv",
        "/api/v1/cases/export.xlsx",
        "/api/v1/audit",
        # documents (gateway/documents/api.py)
        "/api/v1/cases/{case_id}/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/content",
        "/api/v1/cases/{case_id}/upload-links",
        "/api/v1/upload-links/{link_id}",
        # assessment (gateway/assessment/api.py)
        "/api/v1/municipalities/{code}/parameters",
        "/api/v1/municipalities/{code}/parameters/audit",
        "/api/v1/cases/{case_id}/assessment",
        "/api/v1/cases/{case_id}/data-sessions",
        "/api/v1/cases/{case_id}/data-sessions/{session_id}/qr.svg",
        "/api/v1/cases/{case_id}/manual-data",
        "/api/v1/cases/{case_id}/advice",
        "/api/v1/cases/{case_id}/decision",
        "/api/v1/municipalities/{code}/file-check",
        "/api/v1/municipalities/{code}/file-check/report.csv",
        "/api/v1/ockto/deliveries",
        "/api/v1/ockto/refused-deliveries",
        # correspondence (gateway/correspondence/api.py)
        "/api/v1/merge-fields",
        "/api/v1/municipalities/{code}/house-style",
        "/api/v1/municipalities/{code}/templates",
        "/api/v1/municipalities/{code}/templates/{kind}/{channel}",
        "/api/v1/municipalities/{code}/templates/{kind}/{channel}/versions",
        "/api/v1/municipalities/{code}/templates/{kind}/{channel}/preview",
        "/api/v1/cases/{case_id}/correspondence",
        "/api/v1/correspondence/{letter_id}/content",
        "/api/v1/cases/{case_id}/information-requests",
        "/api/v1/cases/{case_id}/contact-preferences",
        "/api/v1/cases/{case_id}/decision-letter",
        "/api/v1/cases/{case_id}/decision-letter/send",
        "/api/v1/campaigns/{code}/{campaign}",
        "/api/v1/campaigns/{code}/{campaign}/pause",
        "/api/v1/campaigns/{code}/{campaign}/resume",
        "/api/v1/municipalities/{code}/print-batches/{day}",
        # licences (gateway/licences/api.py)
        "/api/v1/municipalities/{code}/licence",
        # parked messages (gateway/operations/api.py)
        "/api/v1/operations/parked",
        "/api/v1/operations/parked/{service}/replay-all",
        "/api/v1/operations/parked/{service}/{parked_id}/replay",
        "/api/v1/operations/parked/{service}/{parked_id}/discard",
    }
    for ops in public.values():
        for operation in ops.values():
            assert operation["summary"]
            assert {"200", "201", "202", "204"} & set(operation["responses"])
    intake = public["/api/v1/intake/applications"]["post"]
    assert "security" not in intake
    assert "$defs" not in json.dumps(intake)
    assert all("security" in ops["get"] for path, ops in public.items() if "get" in ops)
