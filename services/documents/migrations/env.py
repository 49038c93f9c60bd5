import documents.files.models
import documents.known_cases.models
import documents.links.models
import documents.portal.models
import documents.retention.models
import documents.storage.models  # noqa: F401 - each registers its tables on Base.metadata
from documents.models import Base
from servicekit.migrations import run_env
from servicekit.tables import TENANT_METADATA

run_env(Base.metadata, TENANT_METADATA)
