"""The booking domain's routers: the terminals' booking API, console pages and phone pages."""

from server.booking import public
from server.booking.api import admin, terminal
from server.booking.console import pages
from server.core.domain_routers import DomainRouters, MenuEntry
from server.web.i18n import N_

ROUTERS = DomainRouters(open=(terminal.router,), staff=(admin.router,), console=(pages.router,), public=(public.router,),
                        menu=(MenuEntry("services", "booking", "/console/booking", N_("Space booking"), 50),))
