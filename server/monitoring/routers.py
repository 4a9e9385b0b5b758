"""The monitoring domain's routers: /metrics, mounted at the root as Prometheus expects."""

from server.core.domain_routers import DomainRouters
from server.monitoring.api import metrics

ROUTERS = DomainRouters(public=(metrics.router,))
