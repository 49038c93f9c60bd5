import correspondence.campaigns.models
import correspondence.housestyle.models
import correspondence.letters.models
import correspondence.requests.models
import correspondence.residents.models
import correspondence.schedules.models
import correspondence.templates.models  # noqa: F401 - every feature's tables on Base.metadata
from correspondence.models import Base
from servicekit.migrations import run_env
from servicekit.tables import TENANT_METADATA

run_env(Base.metadata, TENANT_METADATA)
