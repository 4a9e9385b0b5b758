"""What the kiosk keeps to diagnose it remotely."""
