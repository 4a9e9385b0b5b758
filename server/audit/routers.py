"""The audit log's routers: the admin API and the console page."""

from server.audit import api, console
from server.core.domain_routers import DomainRouters, MenuEntry
from server.web.i18n import N_

ROUTERS = DomainRouters(staff=(api.router,), console=(console.router,),
                        menu=(MenuEntry("system", "audit", "/console/audit", N_("Audit log"), 30),))
