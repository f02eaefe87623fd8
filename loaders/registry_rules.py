"""Classify registry firms into chain segments by the rule file ``seeds/registry_rules.yaml``.

Rules: GB/T 4754-2017 industry codes (longest prefix wins; an export that gives only the
industry *name* matches the rule's name) and, for firms whose code matched no rule, 经营范围
keywords (vectorised Aho-Corasick through polars ``str.extract_many``). Every placement carries
the rule that made it (``basis_note``), so the API can say why a firm is in a segment.

>>> rules = Rules(codes=[CodeRule("3973", "集成电路制造", "ic-manufacturing"),
...                      CodeRule("39", "计算机、通信和其他电子设备制造业", "x")],
...               keywords=[KeywordRule("封装测试", "ic-packaging-testing")])
>>> df = pl.DataFrame({"id": ["a", "b", "c", "d"], "industry_code": ["C3973", "3911", None, None],
...                    "industry_name": [None, None, "集成电路制造", None],
...                    "scope": [None, None, None, "芯片封装测试；销售"]})
>>> for row in classify(df, rules).sort("id").rows():
...     print(row)
('a', 'ic-manufacturing', '行业代码 3973 集成电路制造')
('b', 'x', '行业代码 39 计算机、通信和其他电子设备制造业')
('c', 'ic-manufacturing', '行业名称 集成电路制造 (3973)')
('d', 'ic-packaging-testing', '经营范围关键词 封装测试')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class CodeRule:
    code: str
    name: str
    segment: str
    line: int = 0
    district: str | None = None
    """Only firms located in this district (segments of a district's chain, e.g. 市中区)."""


@dataclass(frozen=True)
class KeywordRule:
    keyword: str
    segment: str
    line: int = 0
    district: str | None = None


@dataclass
class Rules:
    codes: list[CodeRule] = field(default_factory=list)
    keywords: list[KeywordRule] = field(default_factory=list)
    no_rule: dict[str, str] = field(default_factory=dict)
    path: str = "seeds/registry_rules.yaml"


class RulesError(ValueError):
    """The rule file is invalid; ``errors`` are ``file:line: field: message`` strings."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def load_rules(path: Path, segments: set[str] | None = None) -> Rules:
    """Read and check a rule file; unknown segment ids (when ``segments`` is given) are errors."""
    import yaml

    text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise RulesError([f"{path}: YAML: {e}"]) from e
    lines = _item_lines(text)
    errors: list[str] = []
    rules = Rules(path=str(path))
    for section in ("codes", "keywords", "no_rule"):
        items = data.get(section) or []
        for i, item in enumerate(items):
            line = lines.get((section, i), 0)
            where = f"{path}:{line}: {section}[{i}]"
            if not isinstance(item, dict) or not item.get("segment"):
                errors.append(f"{where}: segment: missing")
                continue
            seg = str(item["segment"])
            if segments is not None and seg not in segments:
                errors.append(f"{where}: segment: unknown segment id {seg!r}")
            if section == "codes":
                code = str(item.get("code") or "")
                if not code.isdigit() or len(code) not in (2, 3, 4):
                    errors.append(f"{where}: code: {code!r} is not a 2-4 digit GB/T 4754 code")
                    continue
                rules.codes.append(CodeRule(code, str(item.get("name") or ""), seg, line,
                                            item.get("district")))
            elif section == "keywords":
                kw = str(item.get("keyword") or "").strip()
                if not kw:
                    errors.append(f"{where}: keyword: missing")
                    continue
                rules.keywords.append(KeywordRule(kw, seg, line, item.get("district")))
            else:
                rules.no_rule[seg] = str(item.get("why") or "")
    if errors:
        raise RulesError(errors)
    return rules


def _item_lines(text: str) -> dict[tuple[str, int], int]:
    """Line of each list item under the top-level sections (for error messages)."""
    out: dict[tuple[str, int], int] = {}
    section, index = "", -1
    for n, line in enumerate(text.splitlines(), 1):
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            section, index = line.rstrip()[:-1], -1
        elif line.lstrip().startswith("- ") and section:
            index += 1
            out[(section, index)] = n
    return out


_EMPTY = pl.DataFrame(schema={"id": pl.String, "segment": pl.String, "note": pl.String})


def _SCHEMA(key: str) -> dict[str, pl.DataType]:
    return {key: pl.String, "segment": pl.String, "note": pl.String,
            "rule_district": pl.String}


def _in_district(df: pl.DataFrame) -> pl.DataFrame:
    """Keep placements whose rule has no district, or the firm's district."""
    return df.filter(pl.col("rule_district").is_null()
                     | (pl.col("rule_district") == pl.col("district"))).select(
        "id", "segment", "note")


def classify(df: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Placements ``(id, segment, note)`` of the firms of ``df``.

    ``df`` has ``id`` and any of ``industry_code`` (e.g. ``C3973``), ``industry_name``
    (国标行业小类 name), ``scope`` (经营范围) and ``district`` (district id, for rules of a
    district's chains).
    """
    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in df.columns else pl.lit(None, dtype=pl.String)

    base = df.select(
        "id",
        col("industry_code").cast(pl.String).str.extract(r"(\d{2,4})", 1).alias("code"),
        col("industry_name").cast(pl.String).str.strip_chars().alias("iname"),
        col("scope").cast(pl.String).alias("scope"),
        col("district").cast(pl.String).alias("district"),
    )
    by_name: dict[str, list[CodeRule]] = {}
    for r in rules.codes:
        if r.name and len(r.code) == 4:
            by_name.setdefault(r.name, []).append(r)
    code_rules: dict[str, list[CodeRule]] = {}
    for r in rules.codes:
        code_rules.setdefault(r.code, []).append(r)

    # code → placements, computed once per distinct code (a few hundred), then joined
    rows: list[tuple[str, str, str]] = []
    for code in base["code"].drop_nulls().unique().to_list():
        for n in (4, 3, 2):
            hit = code_rules.get(code[:n]) if len(code) >= n else None
            if hit:
                rows += [(code, r.segment, f"行业代码 {r.code} {r.name}".strip(), r.district)
                         for r in hit]
                break
    by_code = pl.DataFrame(rows, schema=_SCHEMA("code"), orient="row")
    placed_code = _in_district(base.join(by_code, on="code", how="inner"))

    rest = base.filter(~pl.col("id").is_in(placed_code["id"].implode()))
    name_rows = [(n, r.segment, f"行业名称 {n} ({r.code})", r.district)
                 for n, rs in by_name.items() for r in rs]
    by_iname = pl.DataFrame(name_rows, schema=_SCHEMA("iname"), orient="row")
    placed_name = _in_district(rest.filter(pl.col("code").is_null())
                               .join(by_iname, on="iname", how="inner"))

    rest = rest.filter(~pl.col("id").is_in(placed_name["id"].implode()))
    parts = [placed_code, placed_name]
    if rules.keywords and rest.height:
        kw_seg = pl.DataFrame([(k.keyword, k.segment, k.district) for k in rules.keywords],
                              schema={"kw": pl.String, "segment": pl.String,
                                      "rule_district": pl.String}, orient="row")
        hits = rest.select(
            "id", "district", pl.col("scope").str.extract_many([k.keyword for k in rules.keywords],
                                                   overlapping=True).alias("kw"),
        ).explode("kw").drop_nulls("kw")
        placed_kw = _in_district(hits.join(kw_seg, on="kw", how="inner").with_columns(
            pl.format("经营范围关键词 {}", "kw").alias("note")))
        parts.append(placed_kw)
    out = pl.concat([p.cast(pl.String) for p in parts]) if parts else _EMPTY
    # one placement per (firm, segment): the first rule (code before name before keyword)
    return out.unique(["id", "segment"], keep="first", maintain_order=True)
