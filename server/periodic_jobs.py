"""The jobs each server process runs periodically (server/core/periodic.py), one per domain that has some."""

from __future__ import annotations

from server.alerts.job import run_alerts
from server.backups.schedule import run_scheduled_backup
from server.booking.release_job import run_release
from server.core.ratelimit import run_rate_limit_pruning
from server.retention import run_retention
from server.usage.job import run_usage_jobs

JOBS = (run_scheduled_backup, run_alerts, run_rate_limit_pruning, run_retention, run_release, run_usage_jobs)
