"""The releases domain's routers: the terminals' update calls, the admin API and the console page."""

from server.core.domain_routers import DomainRouters
from server.releases.api import admin, terminal
from server.releases.console import pages

ROUTERS = DomainRouters(open=(terminal.router,), staff=(admin.router,), console=(pages.router,))
