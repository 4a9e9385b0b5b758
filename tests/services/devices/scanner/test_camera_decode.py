"""Camera path: zxing-cpp decodes ticket-like QR codes rendered with qrcode, also rotated, scaled and noisy."""

from __future__ import annotations

import importlib.util
import io

import numpy as np
import pytest
import qrcode
from PIL import Image

from common import tickets
from services.devices.scanner import ScannerConfig, decode_frame

BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
# As long as a real ticket (about 90 characters), alphanumeric only, so qrcode uses the alphanumeric mode.
TICKET = "LK1:" + "".join(BASE45[(i * 7 + 3) % 45] for i in range(88)).replace(" ", "K")


def render(text: str = TICKET, box_size: int = 6) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def on_table(image: Image.Image, margin: int = 80) -> Image.Image:
    """The code on a larger grey background, as a camera would see it."""
    frame = Image.new("L", (image.width + 2 * margin, image.height + 2 * margin), 200)
    frame.paste(image, (margin, margin))
    return frame


def noisy(image: Image.Image, sigma: float, seed: int = 1) -> np.ndarray:
    pixels = np.asarray(image, dtype=np.float32)
    pixels += np.random.default_rng(seed).normal(0, sigma, pixels.shape)
    return np.clip(pixels, 0, 255).astype(np.uint8)


def test_ticket_text_is_alphanumeric_mode():
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(TICKET)
    code.make(fit=True)
    assert code.data_list[0].mode == qrcode.util.MODE_ALPHA_NUM


def test_plain_render_pil_and_numpy():
    image = on_table(render())
    assert decode_frame(image) == [TICKET]
    assert decode_frame(np.asarray(image)) == [TICKET]
    bgr = np.repeat(np.asarray(image)[:, :, None], 3, axis=2)
    assert decode_frame(bgr) == [TICKET]


@pytest.mark.parametrize("degrees", [90, 33, 180, 271])
def test_rotated(degrees):
    image = on_table(render()).rotate(degrees, expand=True, fillcolor=200, resample=Image.Resampling.BILINEAR)
    assert decode_frame(image) == [TICKET]


@pytest.mark.parametrize("factor", [0.5, 2.0])
def test_scaled(factor):
    image = on_table(render())
    size = (round(image.width * factor), round(image.height * factor))
    assert decode_frame(image.resize(size, Image.Resampling.BILINEAR)) == [TICKET]


def test_noisy_and_rotated():
    image = on_table(render()).rotate(33, expand=True, fillcolor=200, resample=Image.Resampling.BILINEAR)
    assert decode_frame(noisy(image, sigma=40)) == [TICKET]


def test_two_codes_in_one_frame():
    other = "LKENROL|ABCD-EF23|http://127.0.0.1:8800"
    left, right = on_table(render()), on_table(render(other))
    frame = Image.new("L", (left.width + right.width, max(left.height, right.height)), 200)
    frame.paste(left, (0, 0))
    frame.paste(right, (left.width, 0))
    assert sorted(decode_frame(frame)) == sorted([TICKET, other])


def test_a_ticket_whose_modules_also_read_as_a_1d_barcode_gives_only_the_ticket():
    # zxing-cpp finds an ITF barcode ("9047") in this ticket's modules when it looks for every format.
    text = "LK:W50.B36$J*FVD8NN.J2 S7AQVQMF5J$%RB:4$L6ASO0NV9.IO04EO16YH6+K%XCIL5S95$9FSM1HVK.I3/KRWT7H1QG6C60R*YASFCLL57F7"
    image = Image.open(io.BytesIO(tickets.render_png(text)))
    assert decode_frame(image) == [text]


def test_blank_and_noise_only_frames_have_no_code():
    blank = Image.new("L", (640, 480), 255)
    assert decode_frame(blank) == []
    assert decode_frame(noisy(blank, sigma=60)) == []


@pytest.mark.skipif(importlib.util.find_spec("cv2") is not None, reason="OpenCV is installed here")
def test_camera_without_opencv_is_off_and_says_why(run_scanner):
    scanner, got = run_scanner(ScannerConfig(kind="camera"))
    assert scanner.state == "off"
    assert "cv2" in scanner.detail
    assert got.states == [("off", scanner.detail)]
    assert scanner.describe() == "camera 0"
