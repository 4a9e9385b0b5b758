"""The server's domains, in the order their routes are mounted."""

from server.accounts.routers import ROUTERS as ACCOUNTS
from server.alerts.routers import ROUTERS as ALERTS
from server.audit.routers import ROUTERS as AUDIT
from server.backups.routers import ROUTERS as BACKUPS
from server.events.routers import ROUTERS as EVENTS
from server.feedback.routers import ROUTERS as FEEDBACK
from server.fleet.routers import ROUTERS as FLEET
from server.monitoring.routers import ROUTERS as MONITORING
from server.usage.routers import ROUTERS as USAGE

DOMAINS = (FLEET, ACCOUNTS, AUDIT, FEEDBACK, EVENTS, MONITORING, ALERTS, BACKUPS, USAGE)
