"""Queue numbers for the building's windows (取号 / 叫号): windows from the catalogue and the console, numbers the
server issues, calls, the lobby display, the phone page that follows a number, ratings and statistics."""
