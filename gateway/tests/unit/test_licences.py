"""Licence input in Dutch, what a licence leaves out, and the release notes page's source."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.licences import Addon, Feature, Licence
from gateway import releasenotes
from gateway.licences import service

REPOSITORY = Path(__file__).resolve().parents[3]


def test_an_unknown_licence_is_refused_in_dutch_naming_the_valid_ones() -> None:
    with pytest.raises(service.LicenceInputError) as refused:
        service.parse_licence("goud")

    assert str(refused.value) == "Onbekende licentie 'goud'. Kies basis, extra of premium."
    assert refused.value.field == "licence"


def test_a_licence_name_is_read_regardless_of_case() -> None:
    assert service.parse_licence(" Premium ") is Licence.PREMIUM


@pytest.mark.parametrize("licence", [Licence.BASIS, Licence.EXTRA])
def test_an_addon_of_another_licence_is_refused_with_the_reason(licence: Licence) -> None:
    with pytest.raises(service.LicenceInputError) as refused:
        service.parse_addons(licence, ["rechtmatigheid"])

    assert "hoort bij de licentie Premium" in str(refused.value)
    assert refused.value.field == "addons"
    assert service.parse_addons(Licence.PREMIUM, ["rechtmatigheid"]) == {Addon.RECHTMATIGHEID}


def test_an_unknown_addon_is_refused() -> None:
    with pytest.raises(service.LicenceInputError, match="Onbekende module 'ockto'"):
        service.parse_addons(Licence.PREMIUM, ["ockto"])


def test_what_basis_leaves_out_is_listed_with_the_reason() -> None:
    basis = service.MunicipalityLicenceView("0363", Licence.BASIS, frozenset())

    left_out = {item.feature: item.reason for item in basis.unavailable}
    assert set(left_out) == set(Feature) - {Feature.CASES}
    assert left_out[Feature.DECISIONS] == (
        "De licentie van deze gemeente (Basis) omvat niet besluiten vastleggen: daarvoor is de "
        "licentie Extra nodig."
    )
    assert basis.refusal(Feature.CASES) == ""
    assert not basis.has("decisions")


def test_the_default_licence_includes_everything() -> None:
    default = service.default_licence("0363")

    assert default.unavailable == []
    assert not default.stored


def test_the_packaged_release_notes_are_the_docs_copy() -> None:
    """The image holds the package, not `docs/`: after editing `docs/releasenotes.md`, copy it
    to `gateway/src/gateway/releasenotes.md`."""
    docs = (REPOSITORY / "docs" / "releasenotes.md").read_text(encoding="utf-8")
    assert releasenotes.NOTES.read_text(encoding="utf-8") == docs


def test_markdown_is_rendered_with_everything_escaped() -> None:
    rendered = releasenotes.render_markdown(
        "## Versie 1 — <script>alert(1)</script>\n\n"
        "Een **vette** en *schuine* tekst met `code <b>`\nover twee regels.\n\n"
        "- punt een\n  loopt door\n- punt <img src=x onerror=alert(1)>\n"
    )

    assert str(rendered) == (
        "<h2>Versie 1 — &lt;script&gt;alert(1)&lt;/script&gt;</h2>\n"
        "<p>Een <strong>vette</strong> en <em>schuine</em> tekst met <code>code &lt;b&gt;</code> "
        "over twee regels.</p>\n"
        "<ul><li>punt een loopt door</li><li>punt &lt;img src=x onerror=alert(1)&gt;</li></ul>"
    )


def test_the_release_notes_render() -> None:
    notes = str(releasenotes.release_notes())
    assert "<h1>Releasenotes</h1>" in notes
    assert "<h2>Versie 0.2.0" in notes
    assert "<script" not in notes
