"""The government-service guide's logic without Kivy: searching the catalogue."""
