"""Metrics for Prometheus (/metrics): request counts and latencies, the fleet's state, backup age."""
