"""A picture's subtitle never splits a count from its label (已有 | 1) or a word across lines
only to leave a line starting with a space."""

from __future__ import annotations

import re
from itertools import pairwise

from chainatlas.viz.textfit import wrap

SUB = ("上游 → 下游 (upstream → downstream) · 缺链 0 · 弱链 0 · 已有 1 · 未掌握 2 · "
       "图谱收录本地企业2家；文件未给出本链企业总数")


def test_count_stays_with_its_label_at_every_width() -> None:
    for w in range(120, 1400, 5):
        lines = wrap(SUB, w, 11, False, 3)
        for a, b in pairwise(lines):
            assert not (re.search(r"[\u4e00-\u9fff]$", a) and re.match(r"\d", b)), (w, lines)
            assert not re.search(r"(缺|弱|已|未掌?)$", a), (w, lines)
        assert all(ln == ln.strip() for ln in lines), (w, lines)
