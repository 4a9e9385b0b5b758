"""The volunteer screen's data: the board kept on the terminal for offline, and a ticket's hours (online only)."""
