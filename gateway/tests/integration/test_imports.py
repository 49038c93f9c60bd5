"""The re-examination import routes against the real intake service: the import, its status
and report, the size limit and the roles. (The upload sent on byte for byte: test_forwarding.py.)"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import httpx
from asgi_lifespan import LifespanManager

from demodata.applications import valid_bsn
from gateway.main import create_app
from gateway.settings import GatewaySettings
from servicekit.testing import eventually

from .conftest import BOUNDARY, MakeKey, bearer, multipart


async def test_an_upload_over_the_import_limit_is_refused(
    settings: GatewaySettings, make_key: MakeKey
) -> None:
    token = await make_key("0363")
    app = create_app(settings.model_copy(update={"max_import_body_bytes": 4096}))
    big = multipart(b"x" * 5000)

    async def stream() -> AsyncIterator[bytes]:
        for i in range(0, len(big), 1024):
            yield big[i : i + 1024]

    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        headers = {**bearer(token), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        declared = await http.post("/api/v1/imports/re-examinations", content=big, headers=headers)
        streamed = await http.post(
            "/api/v1/imports/re-examinations", content=stream(), headers=headers
        )

    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert "groter dan" in streamed.json()["detail"]


async def test_an_upload_is_imported_and_its_status_and_report_are_for_import_roles_only(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    handler = await make_key("0363", role="beslisser")
    reader = await make_key("0363", role="raadpleger")
    good = valid_bsn(random.Random())
    csv = (
        "bsn;initials;last_name;date_of_birth;street;house_number;postal_code;city\r\n"
        f"{good};J.;Vermeulen;1970-03-01;Damrak;1;1012 LG;Amsterdam\r\n"
        "123456789;C.;Fout;1990-01-01;Damrak;3;1012 LG;Amsterdam\r\n"
    ).encode()

    uploaded = await client.post(
        "/api/v1/imports/re-examinations",
        data={"municipality": "0363", "campaign": f"Heronderzoek {random.randrange(10**6)}"},
        files={"file": ("heronderzoek.csv", csv, "text/csv")},
        headers=bearer(handler),
    )
    import_id = uploaded.json()["import_id"]

    async def completed() -> bool:
        status = await client.get(f"/api/v1/imports/{import_id}", headers=bearer(handler))
        return bool(status.json()["status"] == "completed")

    await eventually(completed)
    rejected = await client.get(
        f"/api/v1/imports/{import_id}", params={"outcome": "rejected"}, headers=bearer(handler)
    )
    report = await client.get(f"/api/v1/imports/{import_id}/report.csv", headers=bearer(handler))
    refused = await client.get(f"/api/v1/imports/{import_id}", headers=bearer(reader))
    not_an_id = await client.get("/api/v1/imports/..%2Fcases", headers=bearer(handler))

    assert uploaded.status_code == 202, uploaded.text
    assert (rejected.json()["rows_imported"], rejected.json()["rows_rejected"]) == (1, 1)
    assert [row["line"] for row in rejected.json()["rows"]] == [3]
    assert report.status_code == 200
    assert len(report.content.decode("utf-8-sig").splitlines()) == 3, "a header and two rows"
    assert refused.status_code == 403
    assert not_an_id.status_code in {404, 422}
