"""Pure-Python services of the kiosk: nothing here imports Kivy, so it runs and tests without a display."""
