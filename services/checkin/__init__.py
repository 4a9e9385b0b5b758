"""Event check-in on the kiosk, without any UI: the server's check-in bundle in the local store, the desk
that turns a scan into a verdict (online when the link is healthy, else offline), the link health that
chooses between the two, the enrolment QR and the phone check-in code."""
