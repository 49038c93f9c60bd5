"""HTTP models shared by every feature: the documented error shapes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    detail: str = Field(examples=["case niet gevonden (of niet binnen uw organisatie)"])


class FileProblem(Problem):
    reason: str = Field(
        description="a stable code: empty, too_large, type_not_accepted, polyglot, "
        "name_type_mismatch, pdf_javascript, pdf_embedded_file, pdf_active_content, "
        "pdf_encrypted, pdf_damaged, docx_not_word, docx_macros, docx_bomb, image_bomb, "
        "image_damaged, virus, case_full, checksum_mismatch",
        examples=["pdf_javascript"],
    )


def problem(description: str, model: type[BaseModel] = Problem) -> dict[str, Any]:
    return {"model": model, "description": description}


COMMON: dict[int | str, dict[str, Any]] = {
    401: problem("internal token missing, invalid or expired"),
    403: problem("your role does not allow this"),
    404: problem("not found, or not within your organisation"),
}
STORAGE: dict[int | str, dict[str, Any]] = {
    503: problem("object storage or the virus scanner is unavailable; nothing was stored"),
}
