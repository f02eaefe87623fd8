"""Check a still picture from its SVG geometry: every text box inside the canvas, no two text
boxes overlapping, no line starting with closing punctuation (kinsoku).

The pictures keep text as text (``svg.fonttype = none``), one ``<text>`` element per line, so
each line's box is computed from its position, anchor, font size and the width of the string
measured with the same fonts (matplotlib's text-to-path metrics).

>>> starts_with_closing("、材料与设备"), starts_with_closing("材料与设备）")
(True, False)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache

CLOSING = set("、，。；：？！）」』】〉》〕］｝”’…,.;:!?)]}%％·・")
"""Characters a line must never start with (kinsoku shori)."""
ASCENT, DESCENT = 0.86, 0.14
"""Fraction of the font size above / below the baseline (Noto Sans CJK)."""

_NS = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class TextBox:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: TextBox) -> tuple[float, float]:
        """How far the two boxes overlap horizontally and vertically (≤ 0: not at all)."""
        return (min(self.x1, other.x1) - max(self.x0, other.x0),
                min(self.y1, other.y1) - max(self.y0, other.y0))


@dataclass
class Problems:
    clipped: list[str]
    overlapping: list[tuple[str, str]]
    kinsoku: list[str]

    def __bool__(self) -> bool:
        return bool(self.clipped or self.overlapping or self.kinsoku)


def starts_with_closing(line: str) -> bool:
    """Does this line start with a closing punctuation mark?"""
    s = line.lstrip()
    return bool(s) and s[0] in CLOSING


@lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool, family: str) -> float:
    """Width of ``text`` at ``size`` px in this font family (with the DejaVu fallback)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    fp = FontProperties(family=[family, "DejaVu Sans"], size=size,
                        weight="bold" if bold else "normal")
    w, _h, _d = TextToPath().get_text_width_height_descent(text, fp, ismath=False)
    return float(w)


def _style(el: ET.Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (el.get("style") or "").split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def text_boxes(svg: bytes | str) -> tuple[float, float, list[TextBox]]:
    """Canvas width, height and the box of every line of text in a matplotlib SVG."""
    root = ET.fromstring(svg)
    _, _, w, h = (float(v) for v in root.get("viewBox", "0 0 0 0").split())
    boxes: list[TextBox] = []
    for el in root.iter(f"{_NS}text"):
        text = "".join(el.itertext())
        if not text.strip():
            continue
        st = _style(el)
        size = float(re.sub(r"[a-z]+$", "", st.get("font-size", "10px")))
        bold = st.get("font-weight", "400") in ("700", "bold", "800", "900")
        family = st.get("font-family", "DejaVu Sans").split(",")[0].strip("'\" ")
        if el.get("x") is not None:
            x, y = float(el.get("x", 0)), float(el.get("y", 0))
        else:
            m = re.search(r"translate\(([-\d.e]+)[ ,]+([-\d.e]+)\)", el.get("transform", ""))
            x, y = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
        width = text_width(text, size, bold, family)
        anchor = st.get("text-anchor", "start")
        x0 = x - (width / 2 if anchor == "middle" else width if anchor == "end" else 0)
        boxes.append(TextBox(text, x0, y - ASCENT * size, x0 + width, y + DESCENT * size))
    return w, h, boxes


def check_svg(svg: bytes | str, tolerance: float = 1.0) -> Problems:
    """Every text line clipped by the canvas, every pair of overlapping lines, every line that
    starts with closing punctuation."""
    w, h, boxes = text_boxes(svg)
    clipped = [b.text for b in boxes if b.x0 < -tolerance or b.y0 < -tolerance
               or b.x1 > w + tolerance or b.y1 > h + tolerance]
    overlapping = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            dx, dy = a.overlap(b)
            if dx > tolerance and dy > tolerance:
                overlapping.append((a.text, b.text))
    return Problems(clipped, overlapping, [b.text for b in boxes if starts_with_closing(b.text)])
