"""Cases for the rendering tests: the integration tests' test data, shared."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location(
    "correspondence_test_support",
    Path(__file__).resolve().parents[1] / "integration" / "support.py",
)
assert _SPEC is not None
assert _SPEC.loader is not None
support = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(support)
case_opened = support.case_opened
