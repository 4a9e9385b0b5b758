"""The accounts domain's routers: API sign-in, console sign-in and the Users page."""

from server.accounts import api
from server.accounts.console import sign_in, users
from server.core.domain_routers import DomainRouters

ROUTERS = DomainRouters(open=(api.router,), console=(sign_in.router, users.router))
