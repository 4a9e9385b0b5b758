"""The alerts domain's routers: the console page."""

from server.alerts.console import pages
from server.core.domain_routers import DomainRouters, MenuEntry
from server.web.i18n import N_

ROUTERS = DomainRouters(console=(pages.router,),
                        menu=(MenuEntry("system", "alerts", "/console/alerts", N_("Alerts"), 10),))
