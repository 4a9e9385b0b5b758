"""Alerts to people: rules over the fleet's state, delivered by e-mail and group-robot webhooks when an alert starts
and when it is resolved (README "Alerts")."""
