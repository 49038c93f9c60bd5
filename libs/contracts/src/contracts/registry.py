"""Every event of the backoffice, in one registry."""

from contracts.assessment import ASSESSMENT_EVENTS
from contracts.base import EventRegistry
from contracts.cases import CASES_EVENTS
from contracts.correspondence import CORRESPONDENCE_EVENTS
from contracts.documents import DOCUMENTS_EVENTS
from contracts.intake import INTAKE_EVENTS
from contracts.organisations import ORGANISATION_EVENTS

ALL_EVENTS = EventRegistry(
    INTAKE_EVENTS
    + CASES_EVENTS
    + ORGANISATION_EVENTS
    + DOCUMENTS_EVENTS
    + ASSESSMENT_EVENTS
    + CORRESPONDENCE_EVENTS
)
