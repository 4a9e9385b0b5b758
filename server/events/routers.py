"""The events domain's routers: the admin API, the terminals' check-in API, console pages and phone pages."""

from server.core.domain_routers import DomainRouters, MenuEntry
from server.events import public
from server.events.api import admin, terminal
from server.events.console import pages
from server.web.i18n import N_

ROUTERS = DomainRouters(open=(terminal.router,), staff=(admin.router,), console=(pages.router,),
                        public=(public.router,),
                        menu=(MenuEntry("services", "events", "/console/events", N_("Events"), 20),))
