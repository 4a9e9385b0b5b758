"""The queue domain's routers: the terminals' calls, the console pages, the display and the phone page."""

from server.core.domain_routers import DomainRouters, MenuEntry
from server.queueing import api, public
from server.queueing.console import pages
from server.web.i18n import N_

ROUTERS = DomainRouters(open=(api.router,), staff=(api.admin_router,), console=(pages.router,), public=(public.router,),
                        menu=(MenuEntry("services", "queue", "/console/queue", N_("Queue"), 40),))
