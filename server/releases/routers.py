"""The releases domain's routers: the terminals' update calls, the admin API and the console page."""

from server.core.domain_routers import DomainRouters, MenuEntry
from server.releases.api import admin, terminal
from server.releases.console import pages
from server.web.i18n import N_

ROUTERS = DomainRouters(open=(terminal.router,), staff=(admin.router,), console=(pages.router,),
                        menu=(MenuEntry("fleet", "releases", "/console/releases", N_("Software updates"), 30),))
