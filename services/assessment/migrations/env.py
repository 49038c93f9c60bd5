import assessment.advice.models
import assessment.casefile.models
import assessment.decisions.models
import assessment.filecheck.models
import assessment.ockto.models
import assessment.parameters.models  # noqa: F401 - each registers its tables on Base.metadata
from assessment.models import Base
from servicekit.migrations import run_env
from servicekit.tables import TENANT_METADATA

run_env(Base.metadata, TENANT_METADATA)
