import cases.handling.models
import cases.reporting.models  # noqa: F401 - each registers its tables on Base.metadata
from cases.models import Base
from servicekit.migrations import run_env
from servicekit.tables import TENANT_METADATA

run_env(Base.metadata, TENANT_METADATA)
