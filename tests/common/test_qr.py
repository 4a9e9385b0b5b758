import io

import pytest
import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from common.qr import qr_image, qr_png

URL = "https://zwfw.example.gov.cn/guide/GA-0012"


def test_image_is_square_rgb_black_and_white():
    image = qr_image(URL)

    assert image.mode == "RGB"
    assert image.width == image.height
    assert {colour for _, colour in image.getcolors()} == {(0, 0, 0), (255, 255, 255)}


@pytest.mark.parametrize(("box_size", "border"), [(10, 2), (3, 4), (1, 0)])
def test_modules_match_qrcodes_own_matrix(box_size, border):
    # No decoder is installed, so compare module by module with the library's matrix at error correction M.
    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    reference.add_data(URL)
    reference.make(fit=True)
    matrix = reference.get_matrix()

    image = qr_image(URL, box_size=box_size, border=border)

    assert image.width == len(matrix) * box_size
    centre = box_size // 2
    seen = [
        [image.getpixel((x * box_size + centre, y * box_size + centre)) == (0, 0, 0) for x in range(len(matrix))]
        for y in range(len(matrix))
    ]
    assert seen == matrix


def test_png_holds_the_same_image():
    png = qr_png(URL, box_size=4)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = Image.open(io.BytesIO(png)).convert("RGB")
    assert decoded.tobytes() == qr_image(URL, box_size=4).tobytes()


def test_empty_data_is_refused():
    with pytest.raises(ValueError, match="empty"):
        qr_image("")
    with pytest.raises(ValueError, match="empty"):
        qr_png("")


def test_data_too_long_for_a_qr_code_is_refused():
    with pytest.raises(ValueError, match="too long"):
        qr_image("x" * 3000)
