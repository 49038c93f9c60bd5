"""The case file: one case with its household, revisions and history."""
