"""Fixtures shared by every test in the workspace."""

# The folder `gateway/` holds the package `gateway/src/gateway`. Under --import-mode=importlib
# pytest would bind the name `gateway` to the folder while importing `gateway/tests/...`, and
# hide the installed package: import the real one first.
import gateway  # noqa: F401

pytest_plugins = ["servicekit.testing"]
