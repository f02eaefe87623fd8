"""Entity resolution of registry firms against the document graph.

A registry row lands on an existing node when

1. its 统一社会信用代码 equals the node's ``uscc`` (set by an earlier import), or
2. the links file (``seeds/registry_links.yaml``) pairs the code with a node id (an accepted
   review), or
3. its name or one of its 曾用名 equals a name or alias of exactly one enterprise after
   :func:`name_key` (full/half width folded, legal-form suffix removed).

Otherwise it becomes its own node ``uscc-<code>``. Look-alikes (rapidfuzz ratio ≥
:data:`FUZZY_MIN`) are never merged silently: they go to the review list.

>>> name_key("中国重型汽车集团有限公司")
'中国重型汽车集团'
>>> name_key("ＢＹＤ汽车股份有限公司")
'byd汽车'
>>> name_key("浪潮电子信息产业股份有限公司（济南）")
'浪潮电子信息产业'
>>> registry_id("91370100163053350N")
'uscc-91370100163053350n'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from rapidfuzz import fuzz, process

from chainatlas.graph.names import normalise

LEGAL_FORMS: tuple[str, ...] = (
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "(有限合伙)", "(普通合伙)", "公司",
)
"""Legal-form suffixes removed before comparing names (longest first)."""
FUZZY_MIN = 85.0
"""rapidfuzz ratio (0–100) from which a look-alike goes to the review list."""

_PAREN_TAIL = re.compile(r"\([^()]*\)$")


def name_key(name: str) -> str:
    """A firm name reduced for comparison: NFKC, lower case, no spaces, no legal-form suffix."""
    key = normalise(name).replace(" ", "")
    key = _PAREN_TAIL.sub("", key) if not key.endswith(("合伙)",)) else key
    for form in LEGAL_FORMS:
        if key.endswith(form) and len(key) > len(form):
            key = key[: -len(form)]
            break
    return _PAREN_TAIL.sub("", key)


def registry_id(code: str) -> str:
    """The node id of a registry firm that matched no existing node."""
    return f"uscc-{code.lower()}"


@dataclass
class Links:
    """Accepted (and rejected) review pairs, kept in ``seeds/registry_links.yaml``."""

    path: Path
    accepted: dict[str, str] = field(default_factory=dict)  # uscc -> node id
    rejected: set[tuple[str, str]] = field(default_factory=set)  # (uscc, node id)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Links:
        links = cls(Path(path))
        if not links.path.is_file():
            return links
        data = yaml.safe_load(links.path.read_text(encoding="utf-8")) or {}
        for item in data.get("links") or []:
            links.accepted[str(item["uscc"]).upper()] = str(item["id"])
            links.names[str(item["uscc"]).upper()] = str(item.get("name") or "")
        for item in data.get("rejected") or []:
            links.rejected.add((str(item["uscc"]).upper(), str(item["id"])))
        return links

    def save(self) -> None:
        head = ("# 企业登记数据与图谱节点的人工确认对应\n"
                "# Registry firms linked to existing nodes by a person (accepted from the\n"
                "# review list of `chainatlas import`). The next import\n"
                "# keeps them. `rejected` pairs are never offered again.\n")
        data = {
            "links": [{"uscc": u, "id": i, **({"name": self.names[u]} if self.names.get(u)
                                               else {})}
                      for u, i in sorted(self.accepted.items())],
            "rejected": [{"uscc": u, "id": i} for u, i in sorted(self.rejected)],
        }
        self.path.write_text(head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                             encoding="utf-8")

    def accept(self, uscc: str, node_id: str, name: str = "") -> None:
        self.accepted[uscc.upper()] = node_id
        if name:
            self.names[uscc.upper()] = name
        self.rejected.discard((uscc.upper(), node_id))

    def reject(self, uscc: str, node_id: str) -> None:
        self.rejected.add((uscc.upper(), node_id))
        if self.accepted.get(uscc.upper()) == node_id:
            del self.accepted[uscc.upper()]


EXISTING = (
    "MATCH (e:Enterprise) WHERE coalesce(e.basis, '') <> 'registry' "
    "RETURN e.id AS id, e.name AS name, e.aliases AS aliases, e.uscc AS uscc, "
    "coalesce(e.basis, 'stated') AS basis"
)
"""Enterprises a registry row may land on: the document firms (registry-only firms need no
lookup: their id follows from their code)."""


@dataclass
class Resolution:
    ids: pl.Series  # node id per row of the input
    merged: pl.DataFrame  # (row, uscc, name, id, node_name, how) rows that landed on a doc node
    review: pl.DataFrame  # (row, uscc, name, candidate, candidate_name, score)


def resolve(df: pl.DataFrame, existing: list[dict[str, Any]], links: Links) -> Resolution:
    """Node id of every row of ``df`` (columns ``row``, ``uscc``, ``name``, ``former_names``)."""
    by_code: dict[str, str] = {}  # codes held by registry-only nodes
    doc_code: dict[str, str] = {}  # codes held by document nodes (set by an earlier import)
    by_key: dict[str, set[str]] = {}
    doc_name: dict[str, str] = {}
    for e in existing:
        if e.get("basis") == "registry":
            if e.get("uscc"):
                by_code[str(e["uscc"]).upper()] = e["id"]
            continue
        if e.get("uscc"):
            doc_code[str(e["uscc"]).upper()] = e["id"]
        doc_name[e["id"]] = e.get("name") or e["id"]
        for n in [e.get("name"), *(e.get("aliases") or [])]:
            if n:
                by_key.setdefault(name_key(n), set()).add(e["id"])
    # uscc and links: dictionary joins over the distinct codes
    # a document node's code wins, then an accepted link, then the registry node itself
    code_map = {**by_code, **links.accepted, **doc_code}
    ids = df.select(pl.col("uscc").replace_strict(code_map, default=None,
                                                  return_dtype=pl.String)).to_series()
    how = pl.when(ids.is_not_null()).then(pl.lit("code")).otherwise(None)
    keyed = df.select(
        "row", "uscc", "name", ids.alias("id"), how.alias("how"),
        pl.concat_list(pl.col("name"), pl.col("former_names").fill_null("")
                       .str.split(r"[;；,，、]")).alias("names"),
    )
    unique_keys = {k: next(iter(v)) for k, v in by_key.items() if len(v) == 1}
    todo = keyed.filter(pl.col("id").is_null())
    exp = todo.select("row", pl.col("names")).explode("names").filter(
        pl.col("names").is_not_null() & (pl.col("names") != ""))
    from chainatlas.loaders.registry import name_keys

    keys = name_keys(exp["names"])
    exp = exp.with_columns(keys.alias("key"))
    hit = exp.with_columns(pl.col("key").replace_strict(unique_keys, default=None,
                                                        return_dtype=pl.String).alias("hit")) \
        .filter(pl.col("hit").is_not_null()).unique("row", keep="first", maintain_order=True)
    keyed = keyed.join(hit.select("row", "hit"), on="row", how="left").with_columns(
        pl.coalesce("id", "hit").alias("id"),
        pl.when(pl.col("id").is_null() & pl.col("hit").is_not_null()).then(pl.lit("name"))
        .otherwise(pl.col("how")).alias("how"),
    ).drop("hit").sort("row")
    # two rows on one doc node: the first keeps it, the others go to review
    dup = keyed.filter(pl.col("how") == "name").filter(pl.col("id").is_duplicated())
    dup_later = dup.filter(pl.col("row") != pl.col("row").min().over("id"))
    review_rows: list[tuple[int, str, str, str, str, float]] = [
        (r, u, n, i, doc_name.get(i, i), 100.0)
        for r, u, n, i in dup_later.select("row", "uscc", "name", "id").iter_rows()]
    keyed = keyed.with_columns(
        pl.when(pl.col("row").is_in(dup_later["row"].implode())).then(None)
        .otherwise(pl.col("id")).alias("id"))
    # fuzzy look-alikes of the rows still unmatched: review only, never merged
    unmatched = keyed.filter(pl.col("id").is_null())
    if doc_name and unmatched.height:
        choices = list(unique_keys)
        owner = [unique_keys[k] for k in choices]
        names = unmatched["name"].fill_null("").to_list()
        qkeys = name_keys(unmatched["name"]).to_list()
        rows_u = unmatched["row"].to_list()
        codes_u = unmatched["uscc"].to_list()
        for start in range(0, len(qkeys), 20000):
            chunk = qkeys[start:start + 20000]
            scores = process.cdist(chunk, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN,
                                   dtype="uint8", workers=1)
            qi, ci = scores.nonzero()
            for a, b in zip(qi.tolist(), ci.tolist(), strict=True):
                j = start + a
                cand = owner[b]
                if (str(codes_u[j]), cand) in links.rejected:
                    continue
                review_rows.append((rows_u[j], codes_u[j], names[j], cand, doc_name[cand],
                                    float(scores[a, b])))
    review = pl.DataFrame(review_rows, schema={"row": pl.Int64, "uscc": pl.String,
                                               "name": pl.String, "candidate": pl.String,
                                               "candidate_name": pl.String,
                                               "score": pl.Float64}, orient="row") \
        .sort(["score", "row"], descending=[True, False]) \
        .unique(["row", "candidate"], keep="first", maintain_order=True)
    keyed = keyed.with_columns(pl.coalesce(
        "id", pl.lit("uscc-") + pl.col("uscc").str.to_lowercase()).alias("id"))
    merged = keyed.filter(pl.col("id").is_in(list(doc_name))).select(
        "row", "uscc", "name", "id", "how").with_columns(
        pl.col("id").replace_strict(doc_name, default=None, return_dtype=pl.String)
        .alias("node_name"))
    return Resolution(ids=keyed["id"], merged=merged, review=review)
