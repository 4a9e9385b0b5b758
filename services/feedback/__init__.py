"""Feedback on the kiosk without Kivy: the desk that stores a visitor's feedback in the outbox."""
