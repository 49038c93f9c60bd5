"""Errors the entrypoints (admin CLI, HTTP API) turn into clear answers."""


class InvalidInputError(ValueError):
    """The caller asked for something malformed or unknown; the message says what and why."""
