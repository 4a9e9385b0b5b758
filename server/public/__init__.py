"""Public pages (no login) that visitors open on their phones."""
