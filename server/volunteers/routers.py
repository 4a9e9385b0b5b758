"""The volunteers domain's routers: the terminals' board and hours lookup, and the console pages."""

from server.core.domain_routers import DomainRouters, MenuEntry
from server.volunteers.api import terminal
from server.volunteers.console import pages
from server.web.i18n import N_

ROUTERS = DomainRouters(open=(terminal.router,), console=(pages.router,),
                        menu=(MenuEntry("centre", "volunteers", "/console/volunteers", N_("Volunteers"), 20),))
