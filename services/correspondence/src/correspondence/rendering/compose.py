"""From letter rows to their PDF, e-mail HTML and text: the batch renderer of a replica.

Browser templates of a batch are compiled as one Typst document and split (the fixed cost of
a compile is paid once); Word letters go one by one through the kept-running LibreOffice.
A letter that cannot be rendered gets its own reason; its neighbours are not held up.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from correspondence.housestyle.models import HouseStyle
from correspondence.rendering import email as mail
from correspondence.rendering.letter import LetterCompiler, LetterPage
from correspondence.rendering.office import OfficeConverter, OfficeUnavailableError
from correspondence.rendering.pdf import split_letters
from correspondence.templates import docx, sandbox
from correspondence.templates.fields import MergeValues, full_name, merge_values
from correspondence.templates.models import TemplateVersion
from correspondence.templates.sandbox import TemplateProblem


@dataclass
class Job:
    """One letter to render, with everything it needs (loaded by the caller)."""

    key: Any
    case: dict[str, Any]
    style: HouseStyle
    municipality_name: str
    letter_values: dict[str, Any]
    today: date
    channel: str
    email_template: TemplateVersion | None
    pdf_template: TemplateVersion | None


@dataclass
class Output:
    subject: str = ""
    pdf: bytes | None = None
    html: str | None = None
    text: str | None = None
    fragment: str | None = None
    error: str | None = None
    retryable: bool = False
    values: MergeValues | None = field(default=None, repr=False)


def address_lines(case: dict[str, Any]) -> tuple[str, ...]:
    household = case.get("household") or {}
    applicant = household.get("applicant") or {}
    address = applicant.get("address") or {}
    number = f"{address.get('house_number') or ''}{address.get('house_number_suffix') or ''}"
    partner = household.get("partner")
    names = full_name(applicant)
    if partner:
        names = f"{names} en {full_name(partner)}"
    return (
        names,
        f"{address.get('street') or ''} {number}".strip(),
        f"{address.get('postal_code') or ''}  {address.get('city') or ''}".strip(),
    )


class Renderer:
    def __init__(self, *, office: OfficeConverter, max_seconds: float, max_bytes: int) -> None:
        self._office = office
        self._compiler = LetterCompiler()
        self._max_seconds = max_seconds
        self._max_bytes = max_bytes
        self._compile_lock = asyncio.Lock()

    def _render(self, source: str, values: dict[str, Any], limit: int | None = None) -> str:
        return sandbox.render(
            source, values, max_seconds=self._max_seconds, max_bytes=limit or self._max_bytes
        )

    def page(self, job: Job, fragment: str, subject: str, day: str) -> LetterPage:
        style = job.style
        return LetterPage(
            body_html=fragment,
            address=address_lines(job.case),
            date=day,
            reference=job.case.get("application_number") or "",
            subject=subject,
            sender=tuple(line for line in style.sender_block.splitlines() if line.strip()),
            return_address=style.return_address,
            footer=style.footer,
            color=style.primary_color,
            signature_name=style.signature_name,
            signature_function=style.signature_function,
            logo=style.logo,
            logo_type=style.logo_type,
            signature_image=style.signature_image,
            signature_image_type=style.signature_image_type,
        )

    async def render(self, jobs: list[Job]) -> list[Output]:
        from correspondence.housestyle.service import as_dict

        outputs = [Output() for _ in jobs]
        pages: list[tuple[int, LetterPage]] = []
        words: list[tuple[int, bytes]] = []
        for index, job in enumerate(jobs):
            out = outputs[index]
            try:
                values = merge_values(
                    case=job.case,
                    style=as_dict(job.style),
                    municipality_name=job.municipality_name,
                    letter_values=job.letter_values,
                    today=job.today,
                )
                out.values = values
                main = job.email_template if job.channel == "email" else job.pdf_template
                if main is None:
                    raise TemplateProblem("Geen sjabloon voor dit bericht.")
                out.subject = self._render(main.subject or "", values.plain, 4096).strip()
                html_values = values.html()
                if job.channel == "email" and job.email_template is not None:
                    out.fragment = self._render(job.email_template.body or "", html_values)
                    self._email(job, out)
                template = job.pdf_template
                if template is None:
                    continue
                if template.format == "docx" and template.docx is not None:
                    words.append((index, docx.merge(template.docx, values.text)))
                else:
                    fragment = self._render(template.body or "", html_values)
                    if job.channel != "email":
                        out.fragment = fragment
                    pages.append(
                        (index, self.page(job, fragment, out.subject, values.plain["DATUM"]))
                    )
            except TemplateProblem as problem:
                out.error = str(problem)
        await self._compile(pages, outputs)
        for index, data in words:
            try:
                outputs[index].pdf = await self._office.to_pdf(data)
            except OfficeUnavailableError as error:
                outputs[index].error, outputs[index].retryable = str(error), True
        return outputs

    def _email(self, job: Job, out: Output) -> None:
        style = job.style
        signature = "\n".join(
            line for line in (style.signature_name, style.signature_function) if line
        )
        footer = style.footer
        out.html = mail.html_document(
            fragment=out.fragment or "",
            title=out.subject,
            sender=style.sender_name,
            color=style.primary_color,
            footer=footer,
            signature=signature,
        )
        out.text = mail.text_part(out.fragment or "", signature, footer)

    async def _compile(self, pages: list[tuple[int, LetterPage]], outputs: list[Output]) -> None:
        if not pages:
            return
        async with self._compile_lock:
            try:
                pdf = await asyncio.to_thread(self._compiler.compile, [p for _, p in pages])
                parts = await asyncio.to_thread(split_letters, pdf, len(pages))
            except Exception:
                if len(pages) == 1:
                    outputs[pages[0][0]].error = "De brief kon niet worden opgemaakt als PDF."
                    return
                parts = None
        if parts is None:
            # One bad letter spoils a batch compile: find it by compiling one at a time.
            for item in pages:
                await self._compile([item], outputs)
            return
        for (index, _), part in zip(pages, parts, strict=True):
            outputs[index].pdf = part


def pdf_base64(pdf: bytes | None) -> str | None:
    return base64.b64encode(pdf).decode() if pdf else None
