"""Every domain's tables, imported so that ``Base.metadata`` is complete (Alembic, the schema test)."""

from server.booking import models as booking_models
from server.core import models as core_models
from server.fleet.models import Base
from server.matters import models as matters_models
from server.queueing import models as queueing_models
from server.releases import models as releases_models
from server.usage import models as usage_models
from server.volunteers import models as volunteers_models
from server.wishes import models as wishes_models

__all__ = ["Base", "booking_models", "core_models", "matters_models", "queueing_models", "releases_models",
           "usage_models", "volunteers_models", "wishes_models"]
