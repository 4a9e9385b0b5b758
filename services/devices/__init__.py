"""The kiosk's peripherals in pure Python: receipt printer, ticket scanners, the display (fonts, window
placement) and the pinyin input method behind the on-screen keyboard."""
