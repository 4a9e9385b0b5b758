"""The micro-wish domain's routers: the terminals' wall, the console pages and the phone pages."""

from server.core.domain_routers import DomainRouters, MenuEntry
from server.web.i18n import N_
from server.wishes import public
from server.wishes.api import terminal
from server.wishes.console import pages

ROUTERS = DomainRouters(open=(terminal.router,), console=(pages.router,), public=(public.router,),
                        menu=(MenuEntry("centre", "wishes", "/console/wishes", N_("Micro-wishes"), 10),))
