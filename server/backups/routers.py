"""The backups domain's routers: the console page."""

from server.backups.console import pages
from server.core.domain_routers import DomainRouters

ROUTERS = DomainRouters(console=(pages.router,))
