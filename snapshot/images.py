"""Real image bodies for the offline web: small deterministic JPEG/PNG files, and a few hostile ones.

Each article image is a coloured rectangle with its story and number drawn on it, made with
Pillow. The picture depends on the story, not the site, so a story republished on another site
shows the same bytes under another URL (the archive must keep it once). A few images are hostile,
as on the real web: one is missing (404), one answers an HTML error page with status 200, one is
a JPEG cut off halfway.
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 320, 200
# The first image of the earliest article with images on each of these sites is hostile.
HOSTILE = {"binhdinh_skhcn": "missing", "langson_sokhcn": "html", "tayninh_sokhcn": "corrupt"}
ERROR_PAGE = (
    "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Lỗi - Không tìm thấy tệp"
    "</title></head><body><h1>Đã xảy ra lỗi</h1><p>Tệp tin bạn yêu cầu không tồn tại hoặc đã bị "
    "di chuyển.</p><p><a href=\"/\">Quay về trang chủ</a></p></body></html>"
).encode("utf-8")
MIME = {"JPEG": "image/jpeg", "PNG": "image/png"}


def picture(story: str, number: int) -> tuple[bytes, str, int, int]:
    """(bytes, Pillow format, width, height) of image ``number`` of a story; every 2nd one is a PNG."""
    digest = hashlib.sha256(f"{story}#{number}".encode()).digest()
    colour = (64 + digest[0] % 160, 64 + digest[1] % 160, 64 + digest[2] % 160)
    image = Image.new("RGB", (WIDTH, HEIGHT), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, WIDTH - 13, HEIGHT - 13), outline=(255, 255, 255), width=3)
    draw.ellipse((WIDTH - 110, 30, WIDTH - 30, 110), fill=(digest[3], digest[4], digest[5]))
    font = ImageFont.load_default(size=16)
    draw.text((24, HEIGHT - 60), f"{story}", fill=(255, 255, 255), font=font)
    draw.text((24, HEIGHT - 38), f"Ảnh {number}", fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    fmt = "PNG" if number % 2 == 0 else "JPEG"
    if fmt == "PNG":
        image.quantize(colors=32).save(out, "PNG", optimize=True)
    else:
        image.save(out, "JPEG", quality=70, optimize=True)
    return out.getvalue(), fmt, WIDTH, HEIGHT


def hostile_body(kind: str, good: bytes) -> tuple[int | None, bytes | None, str | None]:
    """(status, body, Content-Type) a hostile image URL answers; status None: nothing stored (404)."""
    if kind == "missing":
        return None, None, None
    if kind == "html":
        return 200, ERROR_PAGE, "text/html; charset=utf-8"
    if kind == "corrupt":
        return 200, good[: len(good) // 2], "image/jpeg"
    raise ValueError(f"unknown hostile image kind {kind!r}")
