"""Fitting text into the still pictures: measured widths, line wrapping with the kinsoku rule
(no line starts with closing punctuation, none ends with opening punctuation), ellipsis.

Widths are in layout units (100 per inch; the pictures are drawn at 100 units per inch, so a
font of ``size`` points is ``size / 0.72`` units high).

>>> wrap("集成电路支撑（材料与设备）", 7.2 * 18, 13)  # no line ends with （
['集成电路支撑', '（材料与设备）']
>>> wrap("航空装备与低空飞行器研究院、动力系统测试基地", 12.2 * 18, 13)  # none starts with 、
['航空装备与低空飞行器研', '究院、动力系统测试基地']
>>> wrap("abc", 1000, 10)
['abc']
>>> wrap("缺链 0 · 弱链 0 · 已有 1 · 未掌握 2 · 图谱收录本地企业2家", 160, 11, max_lines=3)
['缺链 0 · 弱链 0 ·', '已有 1 · 未掌握 2 ·', '图谱收录本地企业2家']
>>> wrap("缺链 0 · 弱链 0 · 已有 1", 120, 11)  # a label keeps its number; no leading space
['缺链 0 ·', '弱链 0 · 已有 1']
"""

from __future__ import annotations

import re

from chainatlas.viz.svgcheck import CLOSING, text_width

PT_PER_UNIT = 0.72
OPENING = set("（「『【〈《〔［｛“‘([{")
FONT = "Noto Sans CJK SC"
ELLIPSIS = "…"

_TOKEN = re.compile(r"[\u4e00-\u9fff]{1,3} [0-9][0-9.,]*\s*"  # a count and its label: 已有 1
                    r"|[A-Za-z0-9][A-Za-z0-9.\-_/&']*\s*|\s+|.", re.S)


def set_font(family: str) -> None:
    """Measure with this family (the CJK font the pictures use)."""
    global FONT
    FONT = family


def width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` at ``size`` pt, in layout units."""
    return text_width(text, size, bold, FONT) / PT_PER_UNIT


def line_height(size: float, spacing: float = 1.2) -> float:
    """Height of one line at ``size`` pt, in layout units."""
    return size / PT_PER_UNIT * spacing


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _fix_kinsoku(lines: list[str]) -> list[str]:
    """Move characters so no line starts with closing or ends with opening punctuation."""
    out = [ln for ln in lines]
    for i in range(1, len(out)):
        while out[i] and out[i][0] in CLOSING and len(out[i - 1].rstrip()) > 1:
            # carry the last token of the previous line (a character, a word, a count with its
            # label such as 已有 1) down with the punctuation, keeping the space between them
            body = out[i - 1].rstrip()
            gap = out[i - 1][len(body):]
            toks = _tokens(body)
            carry = toks[-1] if len(toks) > 1 else body[-1]
            out[i] = carry + gap + out[i]
            out[i - 1] = body[: len(body) - len(carry)]
        while out[i] and out[i][0] in CLOSING and out[i - 1]:  # 1-char previous line: pull up
            out[i - 1] += out[i][0]
            out[i] = out[i][1:]
    for i in range(len(out) - 1):
        while out[i] and out[i][-1] in OPENING and len(out[i]) > 1:
            out[i + 1] = out[i][-1] + out[i + 1]
            out[i] = out[i][:-1]
    return [ln.strip() for ln in out if ln.strip()]


def wrap(text: str, max_width: float, size: float, bold: bool = False,
         max_lines: int = 2) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` units (CJK anywhere, Latin at
    word boundaries), kinsoku applied, at most ``max_lines`` (the last ends with … when cut).
    Lines are balanced (no lone last character) when the text fits."""
    text = " ".join(text.split())
    if not text or width(text, size, bold) <= max_width:
        return [text] if text else []
    lines = _wrap(text, max_width, size, bold)
    if 2 <= len(lines) <= max_lines:  # balance: the narrowest width giving as many lines
        lo, hi = width(text, size, bold) / len(lines), max_width
        for _ in range(8):
            mid = (lo + hi) / 2
            if len(_wrap(text, mid, size, bold)) <= len(lines):
                hi = mid
            else:
                lo = mid
        lines = _wrap(text, hi, size, bold)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and width(last + ELLIPSIS, size, bold) > max_width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip("、，。；：,;: ") + ELLIPSIS]
    return lines


def _wrap(text: str, max_width: float, size: float, bold: bool) -> list[str]:
    lines: list[str] = []
    cur = ""
    for tok in _tokens(text):
        if width(cur + tok, size, bold) <= max_width or not cur:
            if not cur and width(tok, size, bold) > max_width:  # a very long word: split it
                for ch in tok:
                    if cur and width(cur + ch, size, bold) > max_width:
                        lines.append(cur)
                        cur = ""
                    cur += ch
                continue
            cur += tok
        else:
            lines.append(cur)
            cur = tok.lstrip()
    if cur:
        lines.append(cur)
    lines = _fix_kinsoku(lines)
    # kinsoku may have made a line a character too wide: re-check and nudge once more
    for i in range(len(lines) - 1):
        while width(lines[i], size, bold) > max_width * 1.04 and len(lines[i]) > 1:
            toks = _tokens(lines[i])  # move the last token (a count keeps its label)
            carry = toks[-1] if len(toks) > 1 else lines[i][-1]
            sep = " " if carry != carry.rstrip() else ""
            lines[i + 1] = carry.rstrip() + sep + lines[i + 1]
            lines[i] = lines[i][: len(lines[i]) - len(carry)].rstrip()
        lines = _fix_kinsoku(lines)
    return lines


def clip(text: str, max_width: float, size: float, bold: bool = False) -> str:
    """``text`` on one line, cut with … to fit ``max_width`` units."""
    return wrap(text, max_width, size, bold, max_lines=1)[0] if text else ""
