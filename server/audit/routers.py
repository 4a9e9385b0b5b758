"""The audit log's routers: the admin API and the console page."""

from server.audit import api, console
from server.core.domain_routers import DomainRouters

ROUTERS = DomainRouters(staff=(api.router,), console=(console.router,))
