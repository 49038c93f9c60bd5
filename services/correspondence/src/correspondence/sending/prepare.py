"""Loading what a batch of letters needs to be rendered: cases, house styles, templates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.licences import Feature
from correspondence.housestyle import repository as styles
from correspondence.housestyle.service import neutral
from correspondence.letters.models import Letter
from correspondence.letters.service import features_of
from correspondence.rendering.compose import Job
from correspondence.residents import repository as residents
from correspondence.residents.service import as_dict
from correspondence.templates import repository as template_rows
from correspondence.templates import service as templates
from correspondence.templates.models import TemplateVersion
from servicekit.tenants import get_tenant

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_day(moment: datetime) -> date:
    """The Dutch calendar day of a moment (letters are dated, batches printed, by it)."""
    return moment.astimezone(AMSTERDAM).date()


async def jobs_for(
    session: AsyncSession, letters: list[Letter], *, now: datetime, reuse_versions: bool = False
) -> list[Job]:
    """A render job per letter; the newest template versions (a decision letter approved after
    its preview keeps the versions the preview showed when `reuse_versions`)."""
    cases = await residents.get_cases(session, {letter.case_id for letter in letters})
    codes = {letter.municipality_code for letter in letters}
    house = await styles.get_many(session, codes)
    names: dict[str, str] = {}
    allowed: dict[str, frozenset[Feature]] = {}
    for code in codes:
        tenant = await get_tenant(session, code)
        names[code] = tenant.name if tenant and tenant.name != code else f"Gemeente {code}"
        allowed[code] = await features_of(session, code)
    cache: dict[tuple[str, str, str], TemplateVersion] = {}
    pinned = await template_rows.by_ids(
        session,
        {
            version
            for letter in letters
            for version in (letter.template_version_id, letter.pdf_template_version_id)
            if reuse_versions and version is not None
        },
        with_docx=True,
    )

    async def template(code: str, kind: str, channel: str) -> TemplateVersion:
        key = (code, kind, channel)
        if key not in cache:
            found = await templates.current(session, code=code, kind=kind, channel=channel, now=now)
            if found.format == "docx":
                with_docx = await template_rows.latest(
                    session, code=code, kind=kind, channel=channel, with_docx=True
                )
                found = with_docx or found
            cache[key] = found
        return cache[key]

    jobs: list[Job] = []
    for letter in letters:
        case = cases.get(letter.case_id)
        code = letter.municipality_code
        letters_allowed = Feature.LETTERS in allowed[code]
        email_template = pdf_template = None
        if letter.channel == "email":
            email_template = pinned.get(letter.template_version_id) or await template(  # type: ignore[arg-type]
                code, letter.kind, "email"
            )
        if letters_allowed:
            pdf_template = pinned.get(letter.pdf_template_version_id) or await template(  # type: ignore[arg-type]
                code, letter.kind, "post"
            )
        jobs.append(
            Job(
                key=letter.id,
                case=as_dict(case) if case else {},
                style=house.get(code) or neutral(code, names[code]),
                municipality_name=names[code],
                letter_values=letter.values or {},
                today=local_day(now),
                channel=letter.channel,
                email_template=email_template,
                pdf_template=pdf_template,
            )
        )
    return jobs
