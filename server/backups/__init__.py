"""Backups and restores of the server's database, and the re-sending of what terminals kept (docs in README)."""
