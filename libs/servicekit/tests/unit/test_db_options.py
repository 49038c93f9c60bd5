"""PGOPTIONS is read by servicekit.db, since asyncpg ignores it."""

from __future__ import annotations

import pytest

from servicekit.db import connect_args, server_settings_from_environment


def test_every_libpq_spelling_of_a_setting_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PGOPTIONS", "-c plan_cache_mode=force_generic_plan -cstatement_timeout=5s --work-mem=4MB"
    )
    assert server_settings_from_environment() == {
        "plan_cache_mode": "force_generic_plan",
        "statement_timeout": "5s",
        "work_mem": "4MB",
    }
    assert connect_args() == {"server_settings": server_settings_from_environment()}


def test_no_options_give_no_connect_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGOPTIONS", raising=False)
    assert connect_args() == {}
    monkeypatch.setenv("PGOPTIONS", "-c broken --also")
    assert server_settings_from_environment() == {}
