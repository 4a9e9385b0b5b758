"""The central server of Lobby Kiosk: enrolment, configuration, catalogue, commands and records for a fleet."""
