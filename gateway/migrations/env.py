import gateway.ui.models  # noqa: F401 - the staff UI's tables share the gateway's metadata
from gateway.models import Base
from servicekit.migrations import run_env

run_env(Base.metadata)
