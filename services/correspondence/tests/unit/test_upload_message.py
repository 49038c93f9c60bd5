"""The sentence on the resident's upload page is never empty (the documents service refuses an
empty one, which kept every invitation in retry)."""

from __future__ import annotations

from correspondence.sending.worker import UPLOAD_MESSAGE, upload_message


def test_the_staff_message_comes_first_then_the_items_then_the_invitation_s_sentence() -> None:
    assert upload_message({"message": " Stuur uw loonstrook ", "items": ["x"]}) == (
        "Stuur uw loonstrook"
    )
    assert upload_message({"message": "", "items": ["loonstrook", " ", "bankafschrift"]}) == (
        "loonstrook; bankafschrift"
    )
    assert upload_message({"needs_upload_link": True}) == UPLOAD_MESSAGE
    assert len(upload_message({"message": "x" * 5000})) == 1000
