"""Fixtures shared by every test in the workspace."""

# The folder `gateway/` holds the package `gateway/src/gateway`. Under --import-mode=importlib
# pytest would bind the name `gateway` to the folder while importing `gateway/tests/...`, and
# hide the installed package: import the real one first.
import os

import gateway  # noqa: F401

# Every database connection of the suite, the services started as processes included, plans
# each statement generically from its first execution, as PostgreSQL does from the sixth: a
# statement that only works with a custom plan fails here at once, not after a while in
# production. servicekit.db reads PGOPTIONS (asyncpg itself does not).
os.environ.setdefault("PGOPTIONS", "-c plan_cache_mode=force_generic_plan")

pytest_plugins = ["servicekit.testing"]
