"""The Kivy side of syncing: the bridge that starts the sync engine (services/sync), hands its events to the
UI thread and carries out remote commands."""
