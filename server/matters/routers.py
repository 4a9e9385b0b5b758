"""The building-matters domain's routers: the terminals' board and the console pages."""

from server.core.domain_routers import DomainRouters, MenuEntry
from server.matters import api
from server.matters.console import pages
from server.web.i18n import N_

ROUTERS = DomainRouters(open=(api.router,), console=(pages.router,),
                        menu=(MenuEntry("centre", "matters", "/console/matters", N_("Building matters"), 30),))
