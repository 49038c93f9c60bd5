import intake.imports.models  # noqa: F401 - registers the import tables on Base.metadata
from intake.models import Base
from servicekit.migrations import run_env
from servicekit.tables import TENANT_METADATA

run_env(Base.metadata, TENANT_METADATA)
