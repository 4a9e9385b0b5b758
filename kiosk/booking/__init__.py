"""Space booking on the kiosk: the free slots, the booking form and the pass."""
