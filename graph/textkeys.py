"""Full-text keys of registry firms: name bigrams and name / pinyin / initials prefix tokens.

The registry import writes one string property per firm, ``key_grams``: space-separated tokens
that a full-text index on ``Enterprise.key_grams`` serves on both stores (FalkorDB: RediSearch,
created without stemming; Neo4j: Lucene, ``whitespace`` analyzer). Search asks that index for
candidates and verifies them in Cypher (``STARTS WITH`` / ``CONTAINS`` on the scalar keys), so a
token that matches too much costs nothing but a rejected candidate. Unlike a range index, a
full-text lookup stops at ``LIMIT``: a prefix that starts three quarters of a million names
(济南) is answered from the first few hundred candidates.

Tokens hold only Chinese characters and ``[a-z0-9]`` (:func:`plain`: anything else becomes
``0``), so no tokenizer splits them and no stop word equals one:

* ``s`` + the first two characters of ``key_name`` — the name's start;
* ``g`` + each character bigram of ``key_name`` (the pairs from the first character, then
  those from the second: how the import builds them column-wise) — any substring of at least
  two characters is found through its bigrams (all must be present);
* ``q`` + the first :data:`TOKEN_CHARS` characters of ``key_pinyin`` (other characters as ``0``)
  and ``x`` + the same of ``key_initials`` — found by a prefix query (``qjinan*``).

>>> grams_text("济南重汽", "jinanzhongqi", "jnzq")
's济南 g济南 g重汽 g南重 qjinanzhongqi xjnzq'
>>> name_terms("重汽"), start_term("济南重汽")
(['g重汽'], 's济南')
>>> latin_term("x", "jn"), latin_term("q", "jinanquanchengkeji")
(('xjn', True), ('qjinanquanchengke', False))
"""

from __future__ import annotations

import re

TOKEN_CHARS = 16
"""Pinyin and initials tokens keep this many leading characters (a longer input is looked up
by its first :data:`TOKEN_CHARS` characters as a whole token, then verified)."""

_NOT_LATIN = re.compile(r"[^a-z0-9]")
NOT_PLAIN = "[^\u3400-\u9fffa-z0-9]"
"""Characters a token may not hold (the same class as :func:`chainatlas.graph.names.has_cjk`
plus ``[a-z0-9]``; the pattern is valid in Python's ``re`` and in polars)."""
_NOT_PLAIN = re.compile(NOT_PLAIN)


def plain(text: str) -> str:
    """``text`` with anything but Chinese characters and ``[a-z0-9]`` as ``0`` (the Cypher
    check removes what such a stand-in lets through).

    >>> plain("ab(c)·重汽")
    'ab0c00重汽'
    """
    return _NOT_PLAIN.sub("0", text)


def bigrams(text: str) -> list[str]:
    """Distinct character bigrams in order of appearance.

    >>> bigrams("济南济南泉")
    ['济南', '南济', '南泉']
    """
    return list(dict.fromkeys(text[i:i + 2] for i in range(len(text) - 1)))


def name_terms(text: str) -> list[str]:
    """The bigram tokens a name containing ``text`` must hold (none for one character)."""
    return ["g" + b for b in bigrams(plain(text))]


def start_term(text: str) -> str:
    """The start token of names beginning with ``text`` (at least two characters)."""
    return "s" + plain(text[:2])


def latin(text: str) -> str:
    """``text`` cut to :data:`TOKEN_CHARS` characters, anything but ``[a-z0-9]`` as ``0``.

    >>> latin("ABC(d)-e")
    'abc0d00e'
    """
    return _NOT_LATIN.sub("0", text.lower()[:TOKEN_CHARS])


def latin_term(marker: str, text: str) -> tuple[str, bool]:
    """The token to look ``text`` up by and whether it is a prefix query (shorter than
    :data:`TOKEN_CHARS`) or a whole token (the first :data:`TOKEN_CHARS` characters)."""
    return marker + latin(text), len(text) < TOKEN_CHARS


def grams_text(key_name: str | None, key_pinyin: str | None, key_initials: str | None) -> str:
    """The ``key_grams`` value of a firm (what the import writes, column-wise, in
    :func:`chainatlas.loaders.registry.grams_column`)."""
    name = plain(key_name or "")
    tokens = [start_term(name)] if len(name) >= 2 else []
    tokens += ["g" + name[i:i + 2] for i in [*range(0, len(name) - 1, 2),
                                             *range(1, len(name) - 1, 2)]]
    if key_pinyin:
        tokens.append("q" + latin(key_pinyin))
    if key_initials:
        tokens.append("x" + latin(key_initials))
    return " ".join(tokens)
