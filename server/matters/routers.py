"""The building-matters domain's routers: the terminals' board and the console pages."""

from server.core.domain_routers import DomainRouters
from server.matters import api
from server.matters.console import pages

ROUTERS = DomainRouters(open=(api.router,), console=(pages.router,))
