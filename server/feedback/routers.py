"""The feedback domain's routers: the admin API, the console pages and the public status page."""

from server.core.domain_routers import DomainRouters
from server.feedback import api, public
from server.feedback.console import pages

ROUTERS = DomainRouters(staff=(api.router,), console=(pages.router,), public=(public.router,))
