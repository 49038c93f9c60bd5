"""This service's copy of the cases: municipality, open or closed, legal hold (from events)."""
