"""What the work list needs from the correspondence's letters: the letters of a case that could
not be sent (until a retry sends them) and when the latest reminder went out."""

from __future__ import annotations

from cases.models import Case
from contracts.correspondence import LetterFailed, LetterSent


def sent(case: Case, event: LetterSent) -> bool:
    """A letter went out; False when that changes nothing the case keeps."""
    changed = False
    if event.letter_id in case.failed_letter_ids:
        case.failed_letter_ids = [i for i in case.failed_letter_ids if i != event.letter_id]
        changed = True
    if event.kind == "reminder" and (
        case.reminder_sent_at is None or event.sent_at > case.reminder_sent_at
    ):
        case.reminder_sent_at = event.sent_at
        changed = True
    return changed


def failed(case: Case, event: LetterFailed) -> bool:
    """A letter was parked after its retries; False when the case knew already."""
    if event.letter_id in case.failed_letter_ids:
        return False
    case.failed_letter_ids = [*case.failed_letter_ids, event.letter_id]
    return True
