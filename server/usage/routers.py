"""The usage domain's routers: the admin API and the console's Usage pages."""

from server.core.domain_routers import DomainRouters
from server.usage import api
from server.usage.console import pages

ROUTERS = DomainRouters(staff=(api.router,), console=(pages.router,))
