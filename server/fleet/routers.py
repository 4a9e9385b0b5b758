"""The fleet domain's routers: enrolment, the terminals' API, the admin API and the console pages."""

from server.core.domain_routers import DomainRouters
from server.fleet.api import (
    admin_catalogue,
    admin_commands,
    admin_config,
    admin_pairings,
    admin_records,
    admin_terminals,
    enrolment,
    terminal,
    terminal_commands,
    terminal_push,
    terminal_records,
)
from server.fleet.console import availability, catalogue, config, terminals

ROUTERS = DomainRouters(
    open=(enrolment.router, terminal.router, terminal_commands.router, terminal_push.router, terminal_records.router),
    staff=(admin_terminals.router, admin_pairings.router, admin_config.router, admin_catalogue.router,
           admin_commands.router, admin_records.router),
    console=(terminals.router, availability.router, config.router, catalogue.router),
)
