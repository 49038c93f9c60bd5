"""The template sandbox: what a municipality's template may and may not do."""

from __future__ import annotations

import pytest

from correspondence.templates import defaults, sandbox
from correspondence.templates.fields import sample_values
from correspondence.templates.sandbox import TemplateProblem

LIMIT = 256 * 1024


def check_and_render(source: str) -> str:
    sandbox.check(source, max_bytes=LIMIT)
    return sandbox.render(source, sample_values().html(), max_seconds=1.0, max_bytes=1024 * 1024)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "niet is toegestaan"),
        ("{{ NAAM.__class__ }}", "niet is toegestaan"),
        ("{{ NAAM['__class__'] }}", "niet is toegestaan"),
        ("{% for i in range(1000000000) %}x{% endfor %}", "te groot"),
        ("{% if PARTNER_NAAM %}open", "niet afgesloten"),
        ("{% endif %}", "niet geopend"),
        ("{{ NAAM", "staan niet goed"),
        ("$ONBEKEND$ en $OOK_ONBEKEND$", "$ONBEKEND$, $OOK_ONBEKEND$"),
        ("{{ geheim }}", "geheim"),
        ("{{ NAAM|center(900) }}", "filter 'center'"),
        ("{{ 'a' * 1000 }}", "niet is toegestaan"),
        ("x" * (5 * 1024 * 1024), "te groot"),
    ],
)
def test_refused_with_a_dutch_reason(source: str, message: str) -> None:
    with pytest.raises(TemplateProblem) as refused:
        check_and_render(source)
    assert message in str(refused.value)


def test_a_billion_steps_of_nested_loops_stop_at_the_time_limit() -> None:
    source = (
        "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
        "{% endfor %}{% endfor %}{% endfor %}"
    )
    sandbox.check(source, max_bytes=LIMIT)  # small numbers: only the time limit can stop it
    with pytest.raises(TemplateProblem, match="te lang"):
        sandbox.render(source, sample_values().html(), max_seconds=0.3, max_bytes=10**6)


def test_output_larger_than_the_limit_is_refused() -> None:
    source = "{% for a in range(1000) %}{% for b in range(1000) %}$NAAM$ {% endfor %}{% endfor %}"
    with pytest.raises(TemplateProblem, match="te groot"):
        sandbox.render(source, sample_values().html(), max_seconds=5, max_bytes=100_000)


def test_conditional_blocks_and_escaped_values() -> None:
    values = sample_values().html()
    values["NAAM"] = "<script>alert(1)</script>"
    source = "<p>$NAAM$</p>{% if PARTNER_NAAM %}<p>partner $PARTNER_NAAM$</p>{% endif %}$REDENEN$"
    sandbox.check(source, max_bytes=LIMIT)
    out = sandbox.render(source, values, max_seconds=1, max_bytes=10**6)
    assert "&lt;script&gt;" in out
    assert "<script>" not in out
    assert "partner M. Jansen" in out
    assert "<li>Uw inkomen is te hoog.</li>" in out
    values["PARTNER_NAAM"] = ""
    assert "partner" not in sandbox.render(source, values, max_seconds=1, max_bytes=10**6)


@pytest.mark.parametrize("kind", defaults.KINDS)
@pytest.mark.parametrize("channel", defaults.CHANNELS)
def test_every_default_passes_its_own_checks(kind: str, channel: str) -> None:
    template = defaults.default(kind, channel)
    assert check_and_render(template.body)
    assert sandbox.check(template.subject, max_bytes=2048) == set()


def test_the_sandbox_itself_refuses_what_the_save_check_would_have_caught() -> None:
    """Defence in depth: a template stored before a check existed still cannot escape."""
    with pytest.raises(TemplateProblem, match="niet is toegestaan"):
        sandbox.render("{{ ''.__class__.__mro__ }}", {}, max_seconds=1, max_bytes=10**6)
