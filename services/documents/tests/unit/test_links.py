"""Link tokens and link states: pure rules, no database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from documents.known_cases.models import KnownCase
from documents.links import tokens
from documents.links.models import UploadLink
from documents.links.service import LinkState, state_of

SECRET = "a-test-secret-of-at-least-thirty-two-characters"
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_a_token_is_derived_signed_and_stored_only_as_its_hash() -> None:
    link_id = uuid.uuid4()
    token = tokens.token_for(link_id, secret=SECRET)
    assert token == tokens.token_for(link_id, secret=SECRET)
    assert len(token) == 43
    assert tokens.verify(token, secret=SECRET)
    assert not tokens.verify(token, secret=SECRET + "x")
    assert tokens.token_hash(token) != token
    assert str(link_id) not in tokens.token_hash(token)


@pytest.mark.parametrize("bad", ["", "x" * 43, "é" * 43, "A" * 42 + "=", "short"])
def test_anything_else_is_no_token(bad: str) -> None:
    assert not tokens.verify(bad, secret=SECRET)


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def test_one_changed_character_breaks_the_signature() -> None:
    token = tokens.token_for(uuid.uuid4(), secret=SECRET)
    for position in (0, 20, 42):
        # The last of 43 base64url characters carries 4 bits and 2 unused ones: change a
        # carried bit (the value's 32), or the changed token would decode to the same bytes.
        replacement = _ALPHABET[_ALPHABET.index(token[position]) ^ 32]
        changed = token[:position] + replacement + token[position + 1 :]
        assert not tokens.verify(changed, secret=SECRET)


def _link(**values: object) -> UploadLink:
    defaults: dict[str, object] = {"expires_at": NOW + timedelta(days=1), "withdrawn_at": None}
    return UploadLink(**(defaults | values))


@pytest.mark.parametrize(
    ("link", "status", "state"),
    [
        (_link(), "received", LinkState.ACTIVE),
        (_link(), "on_hold", LinkState.ACTIVE),
        (_link(expires_at=NOW), "received", LinkState.EXPIRED),
        (_link(withdrawn_at=NOW), "received", LinkState.WITHDRAWN),
        (_link(), "decided_granted", LinkState.CASE_CLOSED),
        (_link(), "aborted", LinkState.CASE_CLOSED),
        (_link(), "closed", LinkState.CASE_CLOSED),
    ],
)
def test_when_a_link_works(link: UploadLink, status: str, state: LinkState) -> None:
    assert state_of(link, KnownCase(status=status), now=NOW) is state


def test_address_pseudonyms_are_keyed() -> None:
    one = tokens.address_key("192.0.2.1", secret=SECRET)
    assert one == tokens.address_key("192.0.2.1", secret=SECRET)
    assert one != tokens.address_key("192.0.2.2", secret=SECRET)
    assert "192.0.2.1" not in one
