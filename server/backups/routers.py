"""The backups domain's routers: the console page."""

from server.backups.console import pages
from server.core.domain_routers import DomainRouters, MenuEntry
from server.web.i18n import N_

ROUTERS = DomainRouters(console=(pages.router,),
                        menu=(MenuEntry("system", "backups", "/console/backups", N_("Backups"), 20),))
