"""Name normalisation and search keys: Chinese, aliases, English and pinyin.

>>> pinyin_full("重汽")
'zhongqi'
>>> pinyin_initials("比亚迪")
'byd'
>>> pinyin_full("长清区")  # local reading, not the dictionary's zhang
'changqingqu'
>>> normalise("  BYD Auto ")
'byd auto'
>>> search_keys("重汽", ["中国重汽"], "Sinotruk")[:4]
['重汽', '中国重汽', 'sinotruk', 'zhongqi']
>>> keyword_keys(["创新药", "Innovative Drugs"])
['创新药', 'chuangxinyao', 'innovative drugs', 'innovativedrugs']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin, load_phrases_dict

LOCAL_READINGS: dict[str, list[list[str]]] = {
    "长清": [["cháng"], ["qīng"]],  # 长清区, not zhǎng
}
"""Place and firm names whose reading pypinyin's dictionary gets wrong."""
load_phrases_dict(LOCAL_READINGS)

_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalise(text: str) -> str:
    """NFKC, lower-case, single spaces, trimmed (full-width letters become ASCII)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def pinyin_full(text: str) -> str:
    """Toneless pinyin without spaces; non-Chinese characters kept (lower-cased)."""
    return "".join(lazy_pinyin(normalise(text))).replace(" ", "")


def pinyin_initials(text: str) -> str:
    """First letters of each syllable (``济南`` → ``jn``)."""
    parts = lazy_pinyin(normalise(text), style=Style.FIRST_LETTER)
    return "".join(p for p in parts if p.strip()).replace(" ", "")


def search_keys(name: str, aliases: Iterable[str] = (), name_en: str | None = None) -> list[str]:
    """All lower-cased keys a node is found by, without repeats, most specific first."""
    texts = [name, *aliases]
    keys = [normalise(t) for t in texts]
    if name_en:
        keys.append(normalise(name_en))
        keys.append(normalise(name_en).replace(" ", ""))
    for t in texts:
        if has_cjk(t):
            keys.append(pinyin_full(t))
            keys.append(pinyin_initials(t))
    return list(dict.fromkeys(k for k in keys if k))


def keyword_keys(keywords: Iterable[str]) -> list[str]:
    """Search keys of a node's topic ``keywords`` (lower rank than its names in search):
    lower-cased, without spaces, and the full pinyin of Chinese ones."""
    keys: list[str] = []
    for k in keywords:
        n = normalise(k)
        keys += [n, n.replace(" ", "")]
        if has_cjk(k):
            keys.append(pinyin_full(k))
    return list(dict.fromkeys(k for k in keys if k))
