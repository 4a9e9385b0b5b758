"""The server's domains, in the order their routes are mounted."""

from server.accounts.routers import ROUTERS as ACCOUNTS
from server.alerts.routers import ROUTERS as ALERTS
from server.audit.routers import ROUTERS as AUDIT
from server.backups.routers import ROUTERS as BACKUPS
from server.booking.routers import ROUTERS as BOOKING
from server.events.routers import ROUTERS as EVENTS
from server.feedback.routers import ROUTERS as FEEDBACK
from server.fleet.routers import ROUTERS as FLEET
from server.matters.routers import ROUTERS as MATTERS
from server.monitoring.routers import ROUTERS as MONITORING
from server.queueing.routers import ROUTERS as QUEUEING
from server.releases.routers import ROUTERS as RELEASES
from server.usage.routers import ROUTERS as USAGE
from server.volunteers.routers import ROUTERS as VOLUNTEERS
from server.wishes.routers import ROUTERS as WISHES

DOMAINS = (FLEET, ACCOUNTS, AUDIT, FEEDBACK, EVENTS, VOLUNTEERS, MONITORING, ALERTS, BACKUPS, MATTERS, WISHES, BOOKING,
           RELEASES, QUEUEING, USAGE)
