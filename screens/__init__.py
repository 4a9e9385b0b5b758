"""Kivy screens: one Python + .kv pair per screen. No I/O here: screens show what the App hands them
and report what the visitor did through the App's methods."""
