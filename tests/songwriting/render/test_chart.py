"""Result charts: real PNGs, decoded back with Pillow and measured."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from bot.songwriting.render.chart import BACKGROUND, BAR, HEIGHT, HIGHLIGHT, WIDTH, bar_chart_png


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def bar_heights(image: Image.Image, bars: int) -> list[tuple[int, tuple[int, int, int] | None]]:
    """Height in pixels and colour of each bar, read down the centre column of its slot."""
    slot = (WIDTH - 48) / bars
    out = []
    for i in range(bars):
        x = int(24 + slot * (i + 0.5))
        colours = [image.getpixel((x, y)) for y in range(HEIGHT)]
        bar = [c for c in colours if c in (BAR, HIGHLIGHT)]
        out.append((len(bar), bar[0] if bar else None))
    return out


def test_chart_is_a_png_of_the_expected_size() -> None:
    """The bytes decode as a PNG of the chart's size."""
    assert decode(bar_chart_png(["A", "B"], [3, 1], "A", "Results")).size == (WIDTH, HEIGHT)


def test_chart_is_not_blank() -> None:
    """More than the background is drawn."""
    image = decode(bar_chart_png(["A", "B"], [3, 1], None, "Results"))
    assert len(image.getcolors(maxcolors=100_000) or []) > 2
    assert image.getpixel((0, 0)) == BACKGROUND


def test_bar_heights_follow_the_counts() -> None:
    """Bars scale with votes: twice the votes, twice the height; zero votes, no bar."""
    heights = [h for h, _ in bar_heights(decode(bar_chart_png(["A", "B", "C"], [4, 2, 0], None, "T")), 3)]
    assert heights[2] == 0
    assert heights[0] == pytest.approx(2 * heights[1], abs=2)


def test_only_the_highlighted_bar_takes_the_accent_colour() -> None:
    """The winner's bar is drawn in the accent, the others in grey."""
    bars = bar_chart_png(["A", "B", "C"], [2, 5, 1], "B", "T")
    assert [colour for _, colour in bar_heights(decode(bars), 3)] == [BAR, HIGHLIGHT, BAR]


def test_long_titles_and_labels_still_draw() -> None:
    """Overlong text is shortened to fit rather than failing."""
    image = decode(bar_chart_png(["an extremely long option label"] * 5, [1, 2, 3, 4, 5], None, "x" * 500))
    assert image.size == (WIDTH, HEIGHT)


def test_all_zero_counts_draw_an_empty_chart() -> None:
    """No votes still yields a valid chart with no bars."""
    assert [h for h, _ in bar_heights(decode(bar_chart_png(["A", "B"], [0, 0], None, "T")), 2)] == [0, 0]


@pytest.mark.parametrize(("labels", "counts"), [([], []), (["A"], [1, 2]), (["A"], [-1])])
def test_mismatched_or_negative_counts_are_refused(labels: list[str], counts: list[int]) -> None:
    """Labels and counts must pair up, and counts can't be negative."""
    with pytest.raises(ValueError, match="count"):
        bar_chart_png(labels, counts, None, "T")


def test_chart_is_fast_enough_for_an_interaction() -> None:
    """A five-bar chart renders well inside Discord's interaction budget."""
    bar_chart_png(["A"], [1], None, "warm-up")
    start = time.perf_counter()
    bar_chart_png(["A", "B", "C", "D", "E"], [9, 3, 0, 1, 7], "A", "Midnight Streets")
    assert time.perf_counter() - start < 0.5
