"""QR codes for the screens and the simulator: black on white, error correction M.

M (15 % recovery) survives a scuffed screen or a smudged print while keeping a
guide URL at a small version, so phones scan it from arm's length.
"""

from __future__ import annotations

import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError


def qr_image(data: str, box_size: int = 10, border: int = 2) -> Image.Image:
    """The QR code of ``data`` as an RGB image, ``box_size`` pixels per module."""
    if not data:
        raise ValueError("QR data is empty")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(data)
    try:
        code.make(fit=True)
    # qrcode 8 reports some overflows as ValueError("Invalid version (was 41...)") instead.
    except (DataOverflowError, ValueError):
        raise ValueError(
            f"QR data is too long: {len(data.encode('utf-8'))} bytes do not fit in a QR code"
            " at error correction M (at most 2331 bytes of text)"
        ) from None
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def qr_png(data: str, box_size: int = 10, border: int = 2) -> bytes:
    buffer = io.BytesIO()
    qr_image(data, box_size, border).save(buffer, format="PNG")
    return buffer.getvalue()
