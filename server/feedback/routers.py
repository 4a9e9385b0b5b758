"""The feedback domain's routers: the admin API, the console pages and the public status page."""

from server.core.domain_routers import DomainRouters, MenuEntry
from server.feedback import api, public
from server.feedback.console import pages
from server.web.i18n import N_

ROUTERS = DomainRouters(staff=(api.router,), console=(pages.router,), public=(public.router,),
                        menu=(MenuEntry("services", "feedback", "/console/feedback", N_("Feedback"), 30),))
