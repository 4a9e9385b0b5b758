"""The accounts domain's routers: API sign-in, console sign-in and the Users page."""

from server.accounts import api
from server.accounts.console import sign_in, users
from server.core.domain_routers import DomainRouters, MenuEntry
from server.web.i18n import N_

ROUTERS = DomainRouters(open=(api.router,), console=(sign_in.router, users.router),
                        menu=(MenuEntry("system", "users", "/console/users", N_("Users"), 40, admin_only=True),))
