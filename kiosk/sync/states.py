"""How each state of the connection to the server is shown: the footer and the maintenance report."""

from __future__ import annotations

from kiosk.i18n import N_

# Footer icon and words for each state of the connection to the server ("" shows nothing).
SYNC_STATES = {
    "standalone": ("cloud_off", ""),
    "pairing": ("link", N_("Waiting for enrolment")),
    "online": ("cloud", N_("Online")),
    "syncing": ("cloud_sync", N_("Syncing")),
    "offline": ("cloud_off", N_("Offline")),
    "unauthorised": ("network_blocked", N_("Terminal not authorised")),
}
