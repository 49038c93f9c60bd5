"""Previews: a template (saved, or unsaved from the editor) filled with a real case."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.housestyle import service as house_styles
from correspondence.rendering.compose import Job, Output, Renderer
from correspondence.residents.models import CaseCopy
from correspondence.residents.service import as_dict
from correspondence.sending.prepare import local_day
from correspondence.templates import service
from correspondence.templates.models import TemplateVersion

EXAMPLE_LINKS = {
    "ockto_link": "https://ockto.example/sessie/voorbeeld",
    "upload_link": "https://backoffice.example/inwoner/upload/voorbeeld",
}


def example_values(kind: str, now: datetime) -> dict[str, Any]:
    """What a letter of this kind gets from its cause, as examples for a preview."""
    values: dict[str, Any] = dict(EXAMPLE_LINKS)
    if kind in {"information_request", "not_processed", "reminder"}:
        values |= {
            "items": ["uw loonstroken van de laatste drie maanden", "een bankafschrift"],
            "term_days": 14,
            "term_ends_on": (local_day(now) + timedelta(days=14)).isoformat(),
        }
    if kind == "decision_rejected":
        values["reasons"] = ["income_too_high"]
    if kind == "decision_granted":
        values["effective_from"] = local_day(now).replace(day=1).isoformat()
    return values


async def render_preview(
    session: AsyncSession,
    *,
    renderer: Renderer,
    case: CaseCopy,
    municipality_name: str,
    kind: str,
    channel: str,
    now: datetime,
    letter_values: dict[str, Any] | None = None,
    unsaved: TemplateVersion | None = None,
    with_pdf: bool = True,
) -> tuple[Output, dict[str, uuid.UUID | None]]:
    code = case.municipality_code
    style = await house_styles.current(session, code=code, name=municipality_name)

    async def version(of_channel: str) -> TemplateVersion:
        if unsaved is not None and unsaved.channel == of_channel:
            return unsaved
        return await service.current(session, code=code, kind=kind, channel=of_channel, now=now)

    email = await version("email") if channel == "email" else None
    post = await version("post") if with_pdf else None
    if post is not None and post.format == "docx" and unsaved is None:
        from correspondence.templates import repository

        post = await repository.latest(
            session, code=code, kind=kind, channel="post", with_docx=True
        )
    job = Job(
        key=case.case_id,
        case=as_dict(case),
        style=style,
        municipality_name=municipality_name,
        letter_values=letter_values if letter_values is not None else example_values(kind, now),
        today=local_day(now),
        channel=channel,
        email_template=email,
        pdf_template=post,
    )
    (output,) = await renderer.render([job])
    versions = {
        "email": email.id if email is not None else None,
        "post": post.id if post is not None else None,
    }
    return output, versions
