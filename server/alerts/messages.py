"""An alert's message in a channel's language: a subject line and a short body, when it starts and when it is
resolved. Times are the centre's local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from server.fleet.models import Alert
from server.web.i18n import gettext as _
from server.web.i18n import use_language


def _local(moment: str | datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "—"
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _device(name: str) -> str:
    return {"scanner": _("The scanner"), "printer": _("The printer")}.get(name, name)


def headline(alert: Alert, zone: ZoneInfo) -> str:
    """What is wrong, in one line, in the current language."""
    detail, name = alert.detail, alert.title
    if alert.rule == "terminal_offline":
        return _("Terminal %(name)s is offline since %(since)s") % {"name": name,
                                                                    "since": _local(detail.get("since"), zone)}
    if alert.rule == "peripheral_gone":
        state = (_("is not connected") if detail.get("state") == "absent"
                 else _("reports an error (out of paper, jammed or broken)"))
        return _("%(device)s of terminal %(name)s %(state)s") % {
            "device": _device(detail.get("device", "")), "name": name, "state": state}
    if alert.rule == "disk_low":
        return _("Terminal %(name)s is low on disk space: %(free)s MB free (alert below %(min)s MB)") % {
            "name": name, "free": detail.get("free_mb"), "min": detail.get("min_mb")}
    if alert.rule == "memory_low":
        return _("Terminal %(name)s is low on memory: %(free)s MB free (alert below %(min)s MB)") % {
            "name": name, "free": detail.get("free_mb"), "min": detail.get("min_mb")}
    if alert.rule == "unhappy_surge":
        return _("Terminal %(name)s: %(unhappy)s of the last %(rated)s ratings are unhappy") % {
            "name": name, "unhappy": detail.get("unhappy"), "rated": detail.get("rated")}
    if alert.rule == "repair_overdue":
        return _("Repair request %(number)s is past its deadline (%(due)s)") % {
            "number": name, "due": _local(detail.get("due_at"), zone)}
    if alert.rule == "backup_stale":
        if detail.get("last") is None:
            return _("No backup of the server's database has been made yet")
        return _("The newest backup is more than %(hours)s hours old (taken %(last)s)") % {
            "hours": detail.get("hours"), "last": _local(detail.get("last"), zone)}
    return f"{alert.rule}: {name}"


def render(alert: Alert, phase: str, language: str, zone: ZoneInfo) -> tuple[str, str]:
    """(subject, body) of the message for ``phase`` ("started" or "resolved") in ``language``."""
    with use_language(language):
        what = headline(alert, zone)
        if phase == "resolved":
            subject = _("[Lobby Kiosk] Resolved: %(what)s") % {"what": what}
            body = _("Resolved at %(resolved)s (started %(started)s): %(what)s") % {
                "resolved": _local(alert.resolved_at, zone), "started": _local(alert.started_at, zone), "what": what}
        else:
            subject = _("[Lobby Kiosk] %(what)s") % {"what": what}
            body = _("Since %(started)s: %(what)s. A message follows when it is resolved.") % {
                "started": _local(alert.started_at, zone), "what": what}
    return subject, body
