"""The display the kiosk stands on: measured through SDL, with the window placed to cover it."""
