"""Volunteer teams: who claims the micro-wishes and runs the volunteer activities."""
