"""The backups domain's console page."""
