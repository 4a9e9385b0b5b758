"""The usage domain's routers: the admin API and the console's Usage pages."""

from server.core.domain_routers import DomainRouters, MenuEntry
from server.usage import api
from server.usage.console import pages
from server.web.i18n import N_

ROUTERS = DomainRouters(staff=(api.router,), console=(pages.router,),
                        menu=(MenuEntry("services", "usage", "/console/usage", N_("Usage"), 60),))
