"""The alerts domain's routers: the console page."""

from server.alerts.console import pages
from server.core.domain_routers import DomainRouters

ROUTERS = DomainRouters(console=(pages.router,))
