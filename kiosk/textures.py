"""Turning Pillow images (QR codes) into Kivy textures."""

from kivy.graphics.texture import Texture
from PIL import Image


def texture_from_image(image: Image.Image) -> Texture:
    rgb = image.convert("RGB").transpose(Image.Transpose.FLIP_TOP_BOTTOM)  # GL rows run bottom-up
    texture = Texture.create(size=rgb.size, colorfmt="rgb")
    texture.blit_buffer(rgb.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    # Scaled up without blurring, so every QR module stays a sharp square.
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    return texture
