"""The government-service guide: its controller (browse, search, a service's guide, printing it) and its
screens (guide, search, detail, service list). The search itself is services/guide."""
