"""The jobs each server process runs periodically (server/core/periodic.py), one per domain that has some."""

from __future__ import annotations

from server.alerts.job import run_alerts
from server.backups.schedule import run_scheduled_backup
from server.usage.job import run_usage_jobs

JOBS = (run_scheduled_backup, run_alerts, run_usage_jobs)
