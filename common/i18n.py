"""The gettext marker for text defined in common/ (settings titles and help): extracted into both domains'
catalogues (the kiosk's and the server's: Makefile KIOSK_SOURCES, SERVER_SOURCES), translated where shown."""


def N_(message: str) -> str:
    """Marks a msgid for extraction; the text itself is translated by whoever shows it."""
    return message
