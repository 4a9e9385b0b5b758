"""Kiosk software updates: download, verify, install side by side, switch, and roll back by itself.

Layout under the install root (/opt/lobby-kiosk): ``releases/<version>/`` each release unpacked with its own
``venv``, ``state/state.json`` (which version runs, which one is on trial, rollbacks not yet reported),
``downloads/`` (partial archives, resumed), ``release-key.pub`` (the pinned public key). ``launcher.py``
(stdlib only, copied to ``bin/`` at install) starts the current version and rolls back.
"""
