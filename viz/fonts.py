"""Find a font that draws Chinese, for the still pictures, and the CSS font stack for HTML.

The pictures must show Chinese glyphs, never tofu boxes; when no CJK font is installed we fail
with a message naming the Debian package to install.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

CJK_CSS_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "微软雅黑", "Hiragino Sans GB", "WenQuanYi Micro Hei", '
    '"Heiti SC", SimHei, sans-serif'
)
"""Font stack for the HTML pages (the installed CJK fonts of Linux, macOS and Windows)."""

PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)

INSTALL_HINT = (
    "No font with Chinese glyphs was found, so the picture would show empty boxes. "
    "Install one: `sudo apt-get install fonts-noto-cjk` (Debian/Ubuntu; or run "
    "scripts/system-deps.sh), then run the command again."
)

PROBE = "济南汽车集成电路"
"""Characters a usable font must cover."""


class MissingCJKFont(RuntimeError):
    """No installed font covers Chinese; the message names the package to install."""


def _covers(path: str, text: str = PROBE) -> bool:
    """True when the font file has glyphs for every character of ``text``."""
    try:
        from matplotlib.ft2font import FT2Font

        font = FT2Font(path)
        cmap = font.get_charmap()
        return all(ord(ch) in cmap for ch in text)
    except Exception:
        return False


def _fc_match(family: str) -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:lang=zh-cn"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


@lru_cache(maxsize=1)
def _find() -> tuple[str | None, Path]:
    """(family known to matplotlib or None, file) of a font covering Chinese."""
    from matplotlib import font_manager as fm

    for family in PREFERRED_FAMILIES:
        try:
            path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        if path and _covers(path):
            return family, Path(path)
    candidates = [_fc_match(f) for f in PREFERRED_FAMILIES[:2]]
    candidates += [p for p in sorted(fm.findSystemFonts())
                   if any(k in p for k in ("CJK", "Han", "Hei", "Zen", "YaHei", "Fallback"))]
    for path in candidates:
        if path and _covers(path):
            return None, Path(path)
    raise MissingCJKFont(INSTALL_HINT)


def cjk_font_path() -> Path:
    """Path of an installed font that covers Chinese (Noto Sans CJK SC first).

    Looks through matplotlib's font manager, then fontconfig; raises :class:`MissingCJKFont`.
    """
    return _find()[1]


@lru_cache(maxsize=1)
def cjk_font_properties():
    """A matplotlib ``FontProperties`` of the CJK font (the SC face of a collection if known)."""
    from matplotlib import font_manager as fm

    family, path = _find()
    if family:
        return fm.FontProperties(family=family)
    fm.fontManager.addfont(str(path))
    return fm.FontProperties(fname=str(path))


def cjk_font_name() -> str:
    """Family name matplotlib knows the CJK font by (for ``rcParams['font.family']``)."""
    return cjk_font_properties().get_name()
