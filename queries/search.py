"""Search any node by name, alias, English name, partial input or pinyin.

Every node stores ``search_keys`` (lower-cased name, aliases, English name, pinyin and
initials, see :mod:`chainatlas.graph.names`) and ``keyword_keys`` (its topic ``keywords``,
not synonyms). The Cypher text finds candidates whose keys contain the input; Python ranks them
exact > prefix > contains (names) > initials > keyword, and only when there are few hits adds
fuzzy matches (difflib over every name key). A node found only through a keyword is ranked below
every node whose name, alias, English name or pinyin matches.

Pinyin initials are a weak signal ("zq" is the initials of dozens of names): a match on
initials alone counts only when the initials equal or start with the input, ranks below every
name / alias / English / full-pinyin match, and at most :data:`INITIALS_CAP` such hits are
kept. So "BYD" finds 比亚迪 (its alias) first and not 航空装备与低空飞行器 (hkzb**byd**kfxq).

Registry firms (``basis: registry``, up to millions) are looked up by index, never scanned:
exact keys (name, name without legal form, pinyin, initials) through range indexes
(:data:`REGISTRY_EXACT`), and name prefix, a substring inside the name (two characters or
more: 重汽 finds 济南某某重汽配件有限公司), pinyin prefix and initials prefix through the
full-text index over the tokens the import writes (``key_grams``, see
:mod:`chainatlas.graph.textkeys`), each candidate checked in Cypher (``STARTS WITH`` /
``CONTAINS``) and each branch capped at :data:`REGISTRY_CAP`. They rank in the same classes as
document nodes (a mid-name hit is ``contains``, below exact and prefix); within a class shorter
names first, then active, then local. The full-text lookup stops at the cap, so for a broad
input (济南 starts most names) the firms shown are the first :data:`REGISTRY_CAP` of the index —
the import creates firms in rank order, so those of one import come best first — and ``total``
counts the hits gathered, not every firm that matches. The two stores differ only in the
full-text call and its query syntax (:meth:`GraphStore.fulltext_call` /
:meth:`GraphStore.fulltext_query`).

>>> rank_key("zhongqi", ["中国重汽", "重汽", "zhongqi"], "sinotruk")
(0, 'zhongqi')
>>> rank_key("电工", ["山东电工电气集团"], "x")
(2, '山东电工电气集团')
>>> rank_key("创新药", ["生物药"], "biopharma", keywords=["创新药"])
(4, '创新药')
>>> rank_key("byd", ["航空装备与低空飞行器", "hkzbydkfxq"], "x", initials={"hkzbydkfxq"})
>>> rank_key("zq", ["重汽", "zhongqi", "zq"], "sinotruk", initials={"zq"})
(3, 'zq')
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.model import DOC_BASES
from chainatlas.graph.names import has_cjk, normalise, pinyin_full, pinyin_initials
from chainatlas.graph.store import GraphStore
from chainatlas.graph.textkeys import latin_term, name_terms, start_term
from chainatlas.queries.models import Basis, Source, basis_of, pair_sources

MATCH_KINDS = ("exact", "prefix", "contains", "initials", "keyword", "fuzzy")
INITIALS = MATCH_KINDS.index("initials")
KEYWORD = MATCH_KINDS.index("keyword")
FUZZY = MATCH_KINDS.index("fuzzy")
INITIALS_CAP = 5
"""At most this many hits matched on pinyin initials alone are kept."""
def prefix_end(prefix: str) -> str:
    """The exclusive upper bound of the strings starting with ``prefix``: its last character
    moved one code point up (a bound like ``prefix + U+FFFF`` is not ordered the same way by
    FalkorDB's filter as by its index).

    >>> prefix_end("济南芯"), prefix_end("jn")
    ('济南芰', 'jo')
    """
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else prefix


PREFIX_MIN = 2
"""Inputs shorter than this find registry firms by exact keys only (a one-character prefix
matches a large share of a million firms; a mid-name substring needs a bigram)."""
REGISTRY_CAP = 200
"""At most this many registry firms per full-text branch (exact matches are not capped)."""
INACTIVE_PENALTY = 0.004
NONLOCAL_PENALTY = 0.002
"""Within a match class, a registry firm ranks by shorter name (0.01 per character), then
active before 注销/吊销, then local before outside Jinan: penalties below one character."""
FUZZY_BELOW = 5
"""Fuzzy matches are added only when fewer than this many hits were found, none of them an
exact or prefix match (a likely typo, not a short name)."""


_SHOWN = (
    "RETURN n.id AS id, n.kind AS kind, n.name AS name, n.name_en AS name_en, "
    "n.aliases AS aliases, n.search_keys AS keys, n.keyword_keys AS kw, n.source_docs AS docs, "
    "n.source_quotes AS quotes, n.basis AS basis, n.basis_note AS basis_note, "
    "n.reference AS reference, n.key_name AS key_name, n.key_pinyin AS key_pinyin, "
    "n.key_initials AS key_initials, n.active AS active, n.local AS local"
)

SEARCH_CANDIDATES = (
    "MATCH (n:Node) WHERE n.basis IN $doc_bases AND ($kind IS NULL OR n.kind = $kind) AND "
    "(toLower(n.id) CONTAINS $q OR any(k IN n.search_keys WHERE k CONTAINS $q OR k CONTAINS $q2) "
    "OR any(k IN coalesce(n.keyword_keys, []) WHERE k CONTAINS $q OR k CONTAINS $q2)) "
    f"{_SHOWN} LIMIT $cap"
)
"""Which document-graph nodes (optionally of one kind) have a search key or id containing the
input? ``basis IN $doc_bases`` is served by the ``Node.basis`` index, so the substring scan
visits the few hundred document nodes and never the registry firms."""

_EXACT_WHERE = ("n.key_name IN $qs", "n.key_pinyin IN $qs", "n.key_initials IN $qs",
                "n.name IN $qs")

REGISTRY_EXACT = " UNION ".join(f"MATCH (n:Enterprise) WHERE {w} {_SHOWN}" for w in _EXACT_WHERE)
"""Which registry firms' name keys (name without legal form, its pinyin, its initials — scalar
properties written by the import) or name equal the input? Range-index lookups (``IN``) on
FalkorDB and Neo4j alike; exact matches are never capped."""

REGISTRY_CANDIDATES = REGISTRY_EXACT + "".join(
    f" UNION MATCH (n:Enterprise) WHERE {where} {_SHOWN} LIMIT $cap" for where in (
        "n.key_name >= $q AND n.key_name < $q_end",
        "n.key_pinyin >= $q2 AND n.key_pinyin < $q2_end",
        "n.key_initials >= $q2 AND n.key_initials < $q2_end",
    )
)
""":data:`REGISTRY_EXACT` plus prefixes as range-index lookups (``>= $q AND < prefix_end($q)``;
FalkorDB answers ``STARTS WITH $param`` with a label scan, a range from the index). One text
for both stores (the named query ``search-registry``); :func:`search` no longer uses its prefix
branches: FalkorDB gathers every firm of a range before ``LIMIT`` applies, so a broad prefix
(济南, three quarters of the generated firms) took 1.8 s at a million firms."""

TEXT_BRANCHES: dict[str, tuple[str, str]] = {
    "prefix": ("ft_prefix", "n.key_name STARTS WITH $q"),
    "contains": ("ft_contains", "n.key_name CONTAINS $q"),
    "pinyin": ("ft_pinyin", "n.key_pinyin STARTS WITH $q2"),
    "initials": ("ft_initials", "n.key_initials STARTS WITH $q2"),
}
"""Full-text branches of the registry lookup: the parameter holding the full-text query, and
the Cypher check of each candidate (the index finds a superset: bigrams in any order, tokens
cut to :data:`~chainatlas.graph.textkeys.TOKEN_CHARS` characters)."""


def registry_candidates(call: Callable[[str], str], branches: Sequence[str]) -> str:
    """:data:`REGISTRY_EXACT` plus the full-text ``branches`` (of :data:`TEXT_BRANCHES`), each
    capped at ``$cap`` firms. ``call(param)`` is the store's clause binding ``n`` to the firms
    matching the full-text query in ``$param`` (:meth:`GraphStore.fulltext_call`): the only
    part of the text that differs between FalkorDB and Neo4j.

    >>> text = registry_candidates(lambda p: f"CALL ft(${p}) YIELD node AS n", ["contains"])
    >>> text.count(" UNION "), "CALL ft($ft_contains) YIELD node AS n WITH n WHERE " in text
    (4, True)
    """
    parts = [REGISTRY_EXACT]
    for name in branches:
        param, check = TEXT_BRANCHES[name]
        parts.append(f"{call(param)} WITH n WHERE {check} {_SHOWN} LIMIT $cap")
    return " UNION ".join(parts)


def text_params(store: GraphStore, nq: str, q2: str) -> dict[str, str]:
    """The full-text queries (in ``store``'s syntax) of the branches that apply to this input:
    name prefix and mid-name substring from two characters on; pinyin and initials prefixes
    when the input has no Chinese characters."""
    out: dict[str, str] = {}
    if len(nq) >= PREFIX_MIN:
        out["ft_prefix"] = store.fulltext_query([start_term(nq), *name_terms(nq)])
        out["ft_contains"] = store.fulltext_query(name_terms(nq))
    if len(q2) >= PREFIX_MIN and not has_cjk(q2):
        for param, marker in (("ft_pinyin", "q"), ("ft_initials", "x")):
            token, is_prefix = latin_term(marker, q2)
            out[param] = (store.fulltext_query([], token) if is_prefix
                          else store.fulltext_query([token]))
    return out


ALL_KEYS = (
    "MATCH (n:Node) WHERE n.basis IN $doc_bases AND ($kind IS NULL OR n.kind = $kind) "
    "RETURN n.id AS id, n.search_keys AS keys"
)
"""The search keys of the document graph's nodes (for fuzzy matching when the substring search
finds little). Registry firms (``basis: registry``, up to millions) are left out: they are
found by name, pinyin or initials, not by typo — pulling their keys into Python took 8.5 s per
miss at 100k firms."""

BY_IDS = (
    "UNWIND $ids AS nid MATCH (n:Node {id: nid}) "
    "RETURN n.id AS id, n.kind AS kind, n.name AS name, n.name_en AS name_en, "
    "n.aliases AS aliases, n.search_keys AS keys, n.source_docs AS docs, "
    "n.source_quotes AS quotes, n.basis AS basis, n.basis_note AS basis_note, "
    "n.reference AS reference"
)
"""These nodes, with what a search hit shows (the fuzzy winners)."""

KIND_ORDER = ["chain", "enterprise", "segment", "district", "platform", "park", "cluster",
              "agency", "project", "person", "policy", "metric", "document"]


class SearchHit(Basis):
    """One node found, with how it matched."""

    id: str
    kind: str
    name: str
    name_en: str | None = None
    aliases: list[str] = Field(default_factory=list)
    match: str = Field(description="exact, prefix, contains (name, alias, English, pinyin), "
                       "initials (pinyin initials only, ranked lower and capped), keyword (a "
                       "topic word of the node, ranked lower) or fuzzy")
    matched: str = Field(description="the key that matched")
    score: float
    sources: list[Source] = Field(default_factory=list)


class SearchResult(BaseModel):
    query: str
    kind: str | None = None
    total: int
    items: list[SearchHit]


def initials_only(name: str | None, aliases: list[str], name_en: str | None,
                  keys: list[str]) -> set[str]:
    """The keys that are only pinyin initials (not also a name, alias or full pinyin).

    >>> sorted(initials_only("比亚迪", ["BYD"], "BYD", ["比亚迪", "byd", "biyadi"]))
    []
    >>> sorted(initials_only("重汽", [], None, ["重汽", "zhongqi", "zq"]))
    ['zq']
    """
    texts = [t for t in [name or "", *aliases] if t]
    readings = [_readings(t) for t in texts if has_cjk(t)]
    proper = {normalise(t) for t in texts} | {full for full, _ in readings}
    if name_en:
        proper |= {normalise(name_en), normalise(name_en).replace(" ", "")}
    initials = {ini for _, ini in readings}
    return {k for k in keys if k in initials and k not in proper}


@lru_cache(maxsize=16384)
def _readings(text: str) -> tuple[str, str]:
    """Full pinyin and initials of a document node's name or alias (cached: pypinyin took
    three quarters of a search's time, recomputed for the same few hundred nodes each call)."""
    return pinyin_full(text), pinyin_initials(text)


def registry_initials(key_initials: str | None, proper: list[str | None]) -> set[str]:
    """:func:`initials_only` for a registry firm: its stored ``key_initials`` unless that is also
    one of its ``proper`` keys (name, key_name, key_pinyin, aliases) — no pinyin computed per
    row, a prefix lookup may return hundreds of firms.

    >>> registry_initials("zq", ["重汽有限公司", "重汽", "zhongqi"])
    {'zq'}
    >>> registry_initials("abc", ["abc有限公司", "abc", "abc"])
    set()
    """
    if not key_initials or key_initials in {normalise(t) for t in proper if t}:
        return set()
    return {key_initials}


def rank_key(q: str, keys: list[str], node_id: str,
             initials: set[str] | frozenset[str] = frozenset(),
             keywords: list[str] | None = None) -> tuple[int, str] | None:
    """Best match class (0 exact, 1 prefix, 2 contains, 3 initials, 4 keyword) of ``q`` over a
    node's keys, or None; ``initials`` (keys that are only pinyin initials) match only as 3, and
    only when they equal or start with ``q``; ``keywords`` keys (topic words) match only as 4,
    when nothing else does."""
    best: tuple[int, str] | None = None
    q2 = q.replace(" ", "")
    for k in [*keys, node_id.lower()]:
        for qq in {q, q2}:
            if not qq:
                continue
            if k in initials:
                if not k.startswith(qq):
                    continue
                rank = INITIALS
            elif k == qq:
                rank = 0
            elif k.startswith(qq):
                rank = 1
            elif qq in k:
                rank = 2
            else:
                continue
            if best is None or rank < best[0]:
                best = (rank, k)
    if best is None:
        for k in keywords or []:
            if (q and q in k) or (q2 and q2 in k):
                return (KEYWORD, k)
    return best


def _hit(row: dict[str, Any], match: int, matched: str, ratio: float = 1.0) -> SearchHit:
    kind_rank = KIND_ORDER.index(row["kind"]) if row["kind"] in KIND_ORDER else len(KIND_ORDER)
    score = ((len(MATCH_KINDS) - match) * 10 + ratio * 5 - kind_rank * 0.1
             - len(row.get("name") or "") * 0.01)
    if row.get("basis") == "registry":
        score -= (INACTIVE_PENALTY * (row.get("active") is False)
                  + NONLOCAL_PENALTY * (row.get("local") is False))
    return SearchHit(id=row["id"], kind=row["kind"], name=row.get("name") or row["id"],
                     name_en=row.get("name_en"), aliases=list(row.get("aliases") or []),
                     match=MATCH_KINDS[match], matched=matched, score=round(score, 3),
                     sources=pair_sources(row.get("docs"), row.get("quotes")), **basis_of(row))


def search(store: GraphStore, q: str, *, kind: str | None = None, limit: int = 20,
           fuzzy: bool = True, timeout_ms: int | None = None) -> SearchResult:
    """Which nodes match this name, alias, English name, partial input or pinyin?"""
    nq = normalise(q)
    if not nq:
        return SearchResult(query=q, kind=kind, total=0, items=[])
    q2 = nq.replace(" ", "")
    params = {"q": nq, "q2": q2, "qs": sorted({nq, q2}), "kind": kind, "cap": 1000,
              "doc_bases": DOC_BASES, "q_end": prefix_end(nq), "q2_end": prefix_end(q2)}
    rows = store.read(SEARCH_CANDIDATES, params, timeout_ms=timeout_ms)
    if kind in (None, "enterprise"):
        ft = text_params(store, nq, q2)
        branches = [b for b, (param, _) in TEXT_BRANCHES.items() if param in ft]
        rows += store.read(registry_candidates(store.fulltext_call, branches),
                           {**params, **ft, "cap": REGISTRY_CAP}, timeout_ms=timeout_ms)
    hits: dict[str, SearchHit] = {}
    for row in rows:
        if row["id"] in hits:
            continue
        keys = list(row.get("keys") or [])
        if row.get("basis") == "registry":  # its initials key is stored: no pinyin per row
            weak = registry_initials(row.get("key_initials"),
                                     [row.get("name"), row.get("key_name"), row.get("key_pinyin"),
                                      *(row.get("aliases") or [])])
        else:
            weak = initials_only(row.get("name"), list(row.get("aliases") or []),
                                 row.get("name_en"), keys)
        ranked = rank_key(nq, keys, row["id"], weak, list(row.get("kw") or []))
        if ranked is not None:  # initials: the closer to the whole key, the better
            ratio = len(nq) / len(ranked[1]) if ranked[0] == INITIALS else 1.0
            hits[row["id"]] = _hit(row, ranked[0], ranked[1], ratio)
    by_initials = sorted((h for h in hits.values() if h.match == "initials"),
                         key=lambda h: (-h.score, h.id))
    for h in by_initials[INITIALS_CAP:]:
        del hits[h.id]
    sure = any(h.match in ("exact", "prefix", "initials") for h in hits.values())
    if fuzzy and not sure and len(hits) < FUZZY_BELOW and len(nq) >= 2:
        owner: dict[str, str] = {}
        for row in store.read(ALL_KEYS, {"kind": kind, "doc_bases": DOC_BASES},
                              timeout_ms=timeout_ms):
            for k in row.get("keys") or []:
                owner.setdefault(k, row["id"])
        winners: dict[str, str] = {}  # node id -> best key
        for key in difflib.get_close_matches(nq, list(owner), n=10, cutoff=0.6):
            if owner[key] not in hits:
                winners.setdefault(owner[key], key)
        if winners:
            for row in store.read(BY_IDS, {"ids": list(winners)}, timeout_ms=timeout_ms):
                key = winners[row["id"]]
                ratio = difflib.SequenceMatcher(None, nq, key).ratio()
                hits[row["id"]] = _hit(row, FUZZY, key, ratio)
    items = sorted(hits.values(), key=lambda h: (-h.score, h.id))
    return SearchResult(query=q, kind=kind, total=len(items), items=items[:limit])
