"""The names of the feedback statuses, the one place both the console and the public status page take them from.

Staff and the public read two different words for "new" and "rejected" (the public page says the item is
received, or not accepted); the other statuses read the same. The context "feedback status" keeps these words
apart from the same English elsewhere (a heartbeat's "Received" time)."""

from __future__ import annotations

from server.web.i18n import pgettext


def status_name(status: str) -> str:
    """The status as the console shows it, in the language of the page being rendered."""
    return {
        "new": pgettext("feedback status", "Newly received"),
        "accepted": pgettext("feedback status", "Accepted"),
        "in_progress": pgettext("feedback status", "In progress"),
        "resolved": pgettext("feedback status", "Resolved"),
        "closed": pgettext("feedback status", "Closed"),
        "rejected": pgettext("feedback status", "Rejected"),
    }[status]


def public_status_name(status: str) -> str:
    """The status as the public status page shows it."""
    if status == "new":
        return pgettext("feedback status", "Received")
    if status == "rejected":
        return pgettext("feedback status", "Not accepted")
    return status_name(status)
