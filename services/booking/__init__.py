"""Space booking on the kiosk, without Kivy: the server's free slots, booking, and checking a pass in."""
