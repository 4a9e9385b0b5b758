"""Event check-in: the controller (scanner, desk, verdicts) and the check-in screen. The desk, bundle store and
link health are services/checkin."""
