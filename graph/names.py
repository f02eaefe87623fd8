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

Speed: each text is segmented once for both the full pinyin and the initials
(:func:`pinyin_pair`), and pypinyin's conversion of each segmented word is memoised (exact:
the same word always reads the same); at 100,000 firms pinyin was most of a seed load's time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain

from pypinyin import Style, load_phrases_dict
from pypinyin.constants import RE_HANS
from pypinyin.converter import DefaultConverter
from pypinyin.core import Pinyin

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


_PINYIN = Pinyin(DefaultConverter())
_CONVERT = _PINYIN._converter.convert
_WORD_MEMO: dict[str, tuple[str, str]] = {}
"""Chinese word (as pypinyin's segmenter cuts a text) → its full pinyin and initials: a
bounded vocabulary, unlike whole names, so memoising per word is exact and cheap."""


def _word_pinyin(word: str) -> tuple[str, str]:
    """``("".join(lazy_pinyin(w)), "".join(lazy_pinyin(w, FIRST_LETTER)))`` of one segmented
    word, through pypinyin's own converter (so phrase readings such as 长清 stay exact)."""
    hit = _WORD_MEMO.get(word)
    if hit is None:
        hit = tuple("".join(chain.from_iterable(_CONVERT(word, style, False, "default",
                                                         strict=True)))
                    for style in (Style.NORMAL, Style.FIRST_LETTER))  # type: ignore[assignment]
        if RE_HANS.match(word) and len(_WORD_MEMO) < 500_000:
            _WORD_MEMO[word] = hit  # type: ignore[assignment]
    return hit  # type: ignore[return-value]


@lru_cache(maxsize=65536)
def pinyin_pair(text: str) -> tuple[str, str]:
    """``(pinyin_full(text), pinyin_initials(text))``, segmenting ``text`` once.

    >>> pinyin_pair("中国重汽")
    ('zhongguozhongqi', 'zgzq')
    """
    pairs = [_word_pinyin(w) for w in _PINYIN.seg(normalise(text))]
    # whitespace-only parts of the initials vanish with the spaces (normalise leaves only " ")
    return ("".join(p[0] for p in pairs).replace(" ", ""),
            "".join(p[1] for p in pairs).replace(" ", ""))


def pinyin_full(text: str) -> str:
    """Toneless pinyin without spaces; non-Chinese characters kept (lower-cased)."""
    return pinyin_pair(text)[0]


def pinyin_initials(text: str) -> str:
    """First letters of each syllable (``济南`` → ``jn``)."""
    return pinyin_pair(text)[1]


def search_keys(name: str, aliases: Iterable[str] = (), name_en: str | None = None) -> list[str]:
    """All lower-cased keys a node is found by, without repeats, most specific first."""
    texts = [name, *aliases]
    keys = [normalise(t) for t in texts]
    if name_en:
        keys.append(normalise(name_en))
        keys.append(normalise(name_en).replace(" ", ""))
    for t in texts:
        if has_cjk(t):
            keys += pinyin_pair(t)
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
