"""The documents service behind the gateway: the public API and the resident portal."""
