"""What the kiosk and the server share: wire models, the settings and catalogue models, the ticket format and
check-in rules, the rotating code, the feedback rules. Imports neither side, nor Kivy, nor SQLAlchemy."""
