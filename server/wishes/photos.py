"""A fulfilment photo from a phone: size-checked, decoded by Pillow, turned upright, scaled down and re-encoded
as a fresh JPEG, so no EXIF (GPS position, camera serial) or other metadata of the upload survives."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# Refuses decompression bombs before decoding: a phone camera makes ~50 MP at most.
MAX_PIXELS = 60_000_000
MAX_SIDE = 1600
JPEG_QUALITY = 82


class PhotoRefused(Exception):
    """Why the upload is no usable photo: "too_large" or "not_an_image"."""


def reencoded(data: bytes) -> tuple[bytes, int, int]:
    """The photo as a clean JPEG of at most MAX_SIDE pixels a side, with its width and height."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRefused("too_large")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG", "WEBP", "HEIF", "MPO"):
                raise PhotoRefused("not_an_image")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRefused("too_large")
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoRefused("not_an_image") from exc
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif= given: none written
    return out.getvalue(), upright.width, upright.height
