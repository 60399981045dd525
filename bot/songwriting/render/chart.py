"""Sound-off result charts as PNG bytes, drawn with Pillow so the request path never imports matplotlib."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 360
BACKGROUND = (43, 45, 49)  # Discord's dark theme, so the image sits flush in the chat
TEXT = (242, 243, 245)
MUTED = (148, 155, 164)
BAR = (128, 132, 142)
HIGHLIGHT = (88, 101, 242)

_MARGIN = 24
_TITLE_SIZE = 22
_LABEL_SIZE = 18
_TOP = 84  # below the title and the count labels of the tallest bar
_BOTTOM = HEIGHT - 48  # above the option labels


# DejaVu Sans covers far more of the scripts song titles arrive in than Pillow's built-in Latin font.
_FONT_FILE = "DejaVuSans.ttf"


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(_FONT_FILE, size)
    except OSError:
        return ImageFont.load_default(size=size)


def bar_chart_png(labels: Sequence[str], counts: Sequence[int], highlight: str | None, title: str) -> bytes:
    """Draw one bar per option, tallest for the most votes, the ``highlight`` label's bar in the accent colour."""
    if not labels or len(labels) != len(counts):
        raise ValueError("need one count per label, and at least one label")
    if any(count < 0 for count in counts):
        raise ValueError("counts must not be negative")
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font, label_font = _font(_TITLE_SIZE), _font(_LABEL_SIZE)
    draw.text((_MARGIN, 16), _fit(draw, title, title_font, WIDTH - 2 * _MARGIN), fill=TEXT, font=title_font)
    slot = (WIDTH - 2 * _MARGIN) / len(labels)
    bar_width = max(4, int(slot * 0.6))
    scale = (_BOTTOM - _TOP) / max(max(counts), 1)
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        centre = _MARGIN + slot * (i + 0.5)
        left, right = int(centre - bar_width / 2), int(centre + bar_width / 2)
        top = _BOTTOM - round(count * scale)
        if count:
            draw.rectangle((left, top, right, _BOTTOM), fill=HIGHLIGHT if label == highlight else BAR)
        draw.text((centre, top - 6), str(count), fill=TEXT, font=label_font, anchor="ms")
        name = _fit(draw, label, label_font, int(slot) - 4)
        colour = TEXT if label == highlight else MUTED
        draw.text((centre, _BOTTOM + 10), name, fill=colour, font=label_font, anchor="mt")
    draw.line((_MARGIN, _BOTTOM, WIDTH - _MARGIN, _BOTTOM), fill=MUTED, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> str:
    """Shorten text with an ellipsis until it fits ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"
