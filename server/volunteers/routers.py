"""The volunteers domain's routers: the terminals' board and hours lookup, and the console pages."""

from server.core.domain_routers import DomainRouters
from server.volunteers.api import terminal
from server.volunteers.console import pages

ROUTERS = DomainRouters(open=(terminal.router,), console=(pages.router,))
