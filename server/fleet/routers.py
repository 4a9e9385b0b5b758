"""The fleet domain's routers: enrolment, the terminals' API, the admin API and the console pages."""

from server.core.domain_routers import DomainRouters, MenuEntry
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
from server.fleet.console import availability, catalogue, config, groups, pairings, parked, terminals
from server.web.i18n import N_

ROUTERS = DomainRouters(
    open=(enrolment.router, terminal.router, terminal_commands.router, terminal_push.router, terminal_records.router),
    staff=(admin_terminals.router, admin_pairings.router, admin_config.router, admin_catalogue.router,
           admin_commands.router, admin_records.router),
    console=(terminals.router, pairings.router, parked.router, availability.router, config.router, groups.router, catalogue.router),
    menu=(MenuEntry("fleet", "terminals", "/console/terminals", N_("Terminals"), 10),
          MenuEntry("fleet", "parked", "/console/parked", N_("Parked records"), 25),
          MenuEntry("fleet", "config", "/console/config", N_("Configuration"), 20, admin_only=True),
          MenuEntry("services", "catalogue", "/console/catalogue", N_("Catalogue"), 10)),
)
