"""Opening cases: one per application (a newer revision replaces its household) or
re-examination, from intake's events."""
