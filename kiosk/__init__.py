"""The kiosk application: Kivy App, navigation, idle timer and app state.

Importing this package does not import Kivy: ``kiosk.bootstrap`` must configure
Kivy first, and the command line (``kiosk search``) must work without a display.
"""

__version__ = "0.1.0"
