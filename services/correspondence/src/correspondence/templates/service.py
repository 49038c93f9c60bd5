"""Templates: the newest version per municipality, kind and channel; every save a new one.

A municipality without its own version uses the default, stored as version 1 the first time
it is needed, so every letter names the version it used.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.templates import defaults, docx, repository, sandbox
from correspondence.templates.models import TemplateVersion
from correspondence.templates.sandbox import TemplateProblem


async def current(
    session: AsyncSession, *, code: str, kind: str, channel: str, now: datetime
) -> TemplateVersion:
    """The version a new letter uses (the default stored as version 1 when there is none)."""
    found = await repository.latest(session, code=code, kind=kind, channel=channel)
    if found is not None:
        return found
    template = defaults.default(kind, channel)
    await repository.add_version(
        session,
        {
            "id": uuid.uuid4(),
            "municipality_code": code,
            "kind": kind,
            "channel": channel,
            "version": 1,
            "format": "html",
            "subject": template.subject,
            "body": template.body,
            "fields": sorted(sandbox.fields_in(template.body)),
            "is_default": True,
            "created_by": "system",
            "created_at": now,
        },
    )
    created = await repository.latest(session, code=code, kind=kind, channel=channel)
    if created is None:  # pragma: no cover - inserted or found just above
        raise RuntimeError("template version vanished")
    return created


async def _next_version(session: AsyncSession, *, code: str, kind: str, channel: str) -> int:
    latest = await repository.latest(session, code=code, kind=kind, channel=channel)
    return 1 if latest is None else latest.version + 1


async def _add(
    session: AsyncSession, values: dict[str, object], *, code: str, kind: str, channel: str
) -> TemplateVersion:
    for _ in range(5):
        number = await _next_version(session, code=code, kind=kind, channel=channel)
        if await repository.add_version(session, {**values, "version": number}):
            found = await repository.latest(session, code=code, kind=kind, channel=channel)
            if found is not None:
                return found
    raise TemplateProblem(
        "Het sjabloon wordt tegelijk door iemand anders opgeslagen; probeer het opnieuw."
    )


async def save_html(
    session: AsyncSession,
    *,
    code: str,
    kind: str,
    channel: str,
    subject: str,
    body: str,
    actor: str,
    now: datetime,
    max_bytes: int,
    max_seconds: float,
) -> TemplateVersion:
    """Check (fields, blocks, sandbox: a trial render with example values) and store."""
    used = sandbox.check(body, max_bytes=max_bytes) | sandbox.check(subject, max_bytes=2048)
    from correspondence.templates.fields import sample_values

    values = sample_values()
    sandbox.render(body, values.html(), max_seconds=max_seconds, max_bytes=1024 * 1024)
    sandbox.render(subject, values.plain, max_seconds=max_seconds, max_bytes=4096)
    return await _add(
        session,
        {
            "id": uuid.uuid4(),
            "municipality_code": code,
            "kind": kind,
            "channel": channel,
            "format": "html",
            "subject": subject,
            "body": body,
            "fields": sorted(used),
            "is_default": False,
            "created_by": actor,
            "created_at": now,
        },
        code=code,
        kind=kind,
        channel=channel,
    )


async def save_docx(
    session: AsyncSession,
    *,
    code: str,
    kind: str,
    subject: str,
    data: bytes,
    file_name: str,
    actor: str,
    now: datetime,
    max_bytes: int,
    max_unpacked: int,
) -> TemplateVersion:
    """A municipality's own Word letter (letters only: e-mails are written in the editor)."""
    used = docx.inspect(data, max_bytes=max_bytes, max_unpacked=max_unpacked)
    sandbox.check(subject, max_bytes=2048)
    return await _add(
        session,
        {
            "id": uuid.uuid4(),
            "municipality_code": code,
            "kind": kind,
            "channel": "post",
            "format": "docx",
            "subject": subject,
            "body": None,
            "docx": data,
            "file_name": file_name,
            "fields": sorted(used),
            "is_default": False,
            "created_by": actor,
            "created_at": now,
        },
        code=code,
        kind=kind,
        channel="post",
    )
