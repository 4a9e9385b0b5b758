"""The kiosk's offline-first sync with the central server: identity, HTTP client, pairing and the engine."""
