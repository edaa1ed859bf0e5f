"""The picture's size for a phone, and text measured in points before anything is drawn.

How the sizes are computed. Telegram shows a photo at most as wide as the screen, and a phone
is about ``PHONE_WIDTH_PT`` = 390 pt wide (iPhone 12 to 16; Android phones are 360 to 412 dp).
The figure is made exactly that wide, 390 pt = 390 / 72 in, so when the PNG is shown at phone
width it is scaled by 390 pt / 390 pt = 1: a font of s pt in matplotlib is s pt on the phone.
In general a font of s pt on a figure w inches wide reads at s × 390 / (72 × w) pt; the old
8-inch figure's 7.5-pt labels read at 5.1 pt. Telegram's body text is 17 pt on iOS (its default
text size) and 16 dp on Android, so no text on the picture is smaller than ``BODY_PT`` = 17 pt.

At 17 pt a line holds about 40 characters, so everything is stacked in one column, text is
wrapped by its measured width, and the figure is as tall as its content (:func:`pixels_per_point`).

Pixels: 3 per point (an iPhone's 3× screen), 1,170 px across. A picture taller than 2,560 px
at that density gets fewer pixels per point, so that its long side stays within 2,560 px, the
largest size Telegram keeps of a photo (it would scale a larger one down itself); sizes in
points, and so what the reader sees, stay the same.
"""

from __future__ import annotations

from functools import lru_cache

PHONE_WIDTH_PT = 390.0
BODY_PT = 17.0  # Telegram's message text on iOS; Android's is 16 dp
HEADING_PT = 19.0
TITLE_PT = 19.0  # the widest title, Kazakh, fits one line at 390 pt
MARGIN_PT = 10.0
INNER_PT = PHONE_WIDTH_PT - 2 * MARGIN_PT
PX_PER_PT = 3.0
MAX_SIDE_PX = 2560.0
LINE_PITCH = 1.205  # matplotlib's line spacing (1.2) times DejaVu Sans' line height, per pt of size


def pixels_per_point(height_pt: float) -> float:
    """3 px per pt, fewer for a picture so tall that its height would pass 2,560 px."""
    return min(PX_PER_PT, MAX_SIDE_PX / max(height_pt, PHONE_WIDTH_PT))


@lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` (its longest line) in points, as matplotlib will draw it."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(size=size, weight="bold" if bold else "normal")
    widths = (
        text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0] for line in text.split("\n")
    )
    return max(widths)


def wrap(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` broken at spaces into lines at most ``width`` points wide (a longer word stays
    whole). Babel puts no-break spaces inside "1,2 млрд $", so a number keeps its unit."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def text_height(text: str, size: float) -> float:
    """The height of ``text`` in points, its last line's spacing included."""
    return (text.count("\n") + 1) * size * LINE_PITCH
