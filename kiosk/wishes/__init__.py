"""The micro-wish wall (微心愿墙): the published wishes, their claims and the thanks, with a QR per wish."""
