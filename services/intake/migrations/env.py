import intake.imports.models  # noqa: F401 - registers the import tables on Base.metadata
from intake.models import Base
from servicekit.migrations import run_env

run_env(Base.metadata)
