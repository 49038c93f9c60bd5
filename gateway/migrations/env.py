import gateway.audit.models
import gateway.licences.models  # the licences share the gateway's metadata
import gateway.staff.models  # noqa: F401 - the staff accounts' tables share the gateway's metadata
from gateway.models import Base
from servicekit.migrations import run_env

run_env(Base.metadata)
