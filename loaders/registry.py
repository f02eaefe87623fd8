"""Import a registry extract (企业登记数据): parse columnar, validate vectorised, upsert in bulk.

``chainatlas import FILE [--mapping MAPPING.yaml] [--dry-run]``:

1. **parse** CSV (UTF-8 with or without BOM, GB18030), XLSX or Parquet into a polars DataFrame
   of strings (polars: a multi-threaded native CSV/Parquet reader, calamine for XLSX, and an
   expression engine for the validation below — no per-row Python objects);
2. **map** the export's headers onto the fields (:data:`DEFAULT_HEADERS`; a mapping file renames
   other exports' columns);
3. **validate** every row at once: 统一社会信用代码 format and GB 32100 check digit, duplicates in
   the file, missing names, impossible dates, non-numeric 注册资本 (万元 / 亿元 / 美元 forms
   parsed), non-numeric 参保人数, unknown Jinan districts. Errors read
   ``FILE:ROW: column: message`` (ROW is the spreadsheet row: the header is row 1);
4. **resolve** firms against the document graph (:mod:`registry_resolve`), **classify** them into
   segments (:mod:`registry_rules`) and **write** them in large UNWIND batches into a staged copy
   of the graph that replaces the live one only when everything succeeded (:mod:`graph.bulk`).

>>> parse_capital(pl.Series(["500万元", "1.2亿元人民币", "100万美元", "3000000元", "abc", None]))
[500.0, 12000.0, 710.0, 300.0, None, None]
>>> uscc_check_ok(pl.Series(["91370100163053350N", "91370100163053350X", "bad"]))
[True, False, False]
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

# -- headers --------------------------------------------------------------------------------
FIELDS: dict[str, str] = {
    "name": "企业名称", "uscc": "统一社会信用代码", "status": "登记状态", "legal_rep": "法定代表人",
    "capital": "注册资本", "founded": "成立日期", "province": "所属省份", "city": "所属城市",
    "county": "所属区县", "section": "国标行业门类", "major": "国标行业大类",
    "middle": "国标行业中类", "industry_name": "国标行业小类", "industry_code": "行业代码",
    "company_type": "企业类型", "insured": "参保人数", "former_names": "曾用名",
    "scope": "经营范围", "address": "注册地址",
}
"""Field → the usual export header (the name used in error messages)."""

DEFAULT_HEADERS: dict[str, str] = {
    **{h: f for f, h in FIELDS.items()},
    "公司名称": "name", "企业名": "name", "信用代码": "uscc", "社会信用代码": "uscc",
    "经营状态": "status", "企业状态": "status", "法人代表": "legal_rep", "法人": "legal_rep",
    "注册日期": "founded", "成立时间": "founded", "省份": "province", "城市": "city",
    "区县": "county", "所属行业": "industry_name", "行业": "industry_name",
    "公司类型": "company_type", "社保人数": "insured", "参保人员数": "insured",
    "曾用名称": "former_names", "企业地址": "address", "地址": "address", "住所": "address",
}
"""Export header → field: the usual headers of market-regulation and data-service exports."""

REQUIRED = ("name", "uscc")
INACTIVE = ("注销", "吊销", "撤销", "已注销", "已吊销", "吊销，未注销", "吊销,未注销")
USD_CNY = 7.1
"""Exchange rate used for 注册资本 in 美元 (USD → CNY); 万美元 × 7.1 = 万元."""
RATES = {"美元": USD_CNY, "欧元": 7.7, "港元": 0.91, "港币": 0.91, "日元": 0.047}
MAX_ERRORS = 50

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_USCC_VALUE = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(_USCC_CHARS):
    _USCC_VALUE[ord(_c)] = _i
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"


class RegistryError(ValueError):
    """The file cannot be imported; ``errors`` are ``FILE:ROW: column: message`` lines."""

    def __init__(self, errors: list[str], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__("\n".join(errors))

    def lines(self, cap: int = MAX_ERRORS) -> list[str]:
        """The first ``cap`` errors and, if more, ``… and N more``."""
        shown = self.errors[:cap]
        if self.total > len(shown):
            shown.append(f"… and {self.total - len(shown)} more error(s) 另有 "
                         f"{self.total - len(shown)} 处错误")
        return shown


# -- parsing --------------------------------------------------------------------------------
def decode_csv(raw: bytes) -> bytes:
    """UTF-8 bytes of a CSV in UTF-8 (± BOM) or GB18030.

    >>> decode_csv("\\ufeff名称".encode()).decode()
    '名称'
    >>> decode_csv("名称".encode("gb18030")).decode()
    '名称'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:]
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        return raw.decode("gb18030").encode("utf-8")


def read_table(path: Path) -> pl.DataFrame:
    """Every column of a CSV / XLSX / Parquet file as strings (headers trimmed)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise RegistryError([f"{path}: file not found 文件不存在"])
    try:
        if suffix in (".csv", ".txt"):
            df = pl.read_csv(io.BytesIO(decode_csv(path.read_bytes())), infer_schema=False)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            df = pl.read_excel(path, engine="calamine", infer_schema_length=0)
        elif suffix == ".parquet":
            df = pl.read_parquet(path)
        else:
            raise RegistryError([f"{path}: unknown file type {suffix!r}; use .csv, .xlsx or "
                                 ".parquet 不支持的文件类型"])
    except RegistryError:
        raise
    except Exception as e:  # polars / calamine parse errors
        raise RegistryError([f"{path}: cannot read the file 无法读取: {e}"]) from e
    df = df.rename({c: unicodedata.normalize("NFKC", str(c)).strip() for c in df.columns})
    df = df.with_columns(pl.all().cast(pl.String).str.strip_chars())
    return df.with_columns(pl.when(pl.all() == "").then(None).otherwise(pl.all()).name.keep())


def load_mapping(path: Path | None) -> dict[str, str]:
    """Header → field from a mapping file (``columns: {Their header: 企业名称 | name}``)."""
    mapping = dict(DEFAULT_HEADERS)
    if path is None:
        return mapping
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    cols = data.get("columns", data)
    errors = []
    for theirs, ours in (cols or {}).items():
        target = DEFAULT_HEADERS.get(str(ours), str(ours))
        if target not in FIELDS:
            errors.append(f"{path}: columns: {theirs}: unknown target {ours!r}; use one of "
                          + "、".join(FIELDS.values()))
            continue
        mapping[str(theirs).strip()] = target
    if errors:
        raise RegistryError(errors)
    return mapping


def map_columns(df: pl.DataFrame, mapping: dict[str, str], path: Path) -> tuple[pl.DataFrame,
                                                                              dict[str, str]]:
    """Rename the export's columns to fields; the first column mapped to a field wins."""
    rename: dict[str, str] = {}
    header_of: dict[str, str] = {}
    for col in df.columns:
        f = mapping.get(col)
        if f and f not in header_of:
            rename[col] = f
            header_of[f] = col
    missing = [FIELDS[f] for f in REQUIRED if f not in header_of]
    if missing:
        found = ", ".join(df.columns)
        raise RegistryError([f"{path}:1: {m}: missing column 缺少列 (found: {found}; map it "
                             "with --mapping MAPPING.yaml)" for m in missing])
    out = df.select([pl.col(c).alias(f) for c, f in rename.items()])
    for f in FIELDS:
        if f not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=pl.String).alias(f))
            header_of[f] = FIELDS[f]
    return out.with_row_index("row", offset=2), header_of


# -- vectorised parsers -----------------------------------------------------------------------
def uscc_check_ok(codes: pl.Series) -> list[bool]:
    """GB 32100-2015 check digit of each 18-character code (vectorised with numpy)."""
    s = codes.fill_null("").str.to_uppercase()
    fmt = s.str.contains(USCC_PATTERN).to_numpy()
    ok = np.zeros(len(s), dtype=bool)
    idx = np.flatnonzero(fmt)
    if idx.size:
        buf = np.frombuffer("".join(s.gather(idx).to_list()).encode("ascii"), dtype=np.uint8)
        vals = _USCC_VALUE[buf.reshape(-1, 18)]
        check = (31 - (vals[:, :17] @ _USCC_WEIGHTS) % 31) % 31
        ok[idx] = check == vals[:, 17]
    return ok.tolist()


def capital_expr(col: str = "capital") -> pl.Expr:
    """注册资本 text → 万元 (float; null when empty or not a number)."""
    text = pl.col(col).str.replace_all(r"[,，\s]", "")
    num = text.str.extract(r"^([0-9]+(?:\.[0-9]+)?)", 1).cast(pl.Float64, strict=False)
    unit = text.str.extract(r"^[0-9.]+(万|亿)?", 1)
    scale = (pl.when(unit == "亿").then(10000.0).when(unit == "万").then(1.0)
             .when(text.str.contains("元|人民币|币")).then(1e-4).otherwise(1.0))
    rate = pl.lit(1.0)
    for cur, r in RATES.items():
        rate = pl.when(text.str.contains(cur)).then(r).otherwise(rate)
    return (num * scale * rate).round(4)


def parse_capital(s: pl.Series) -> list[float | None]:
    """注册资本 values → 万元 (see :func:`capital_expr`)."""
    return pl.DataFrame({"capital": s}).select(capital_expr())["capital"].to_list()


def date_expr(col: str = "founded") -> pl.Expr:
    """成立日期 in 2001-03-04, 2001/3/4, 20010304, 2001年3月4日 or ISO datetime → Date."""
    t = pl.col(col).str.replace(r"[T ].*$", "").str.replace_all(r"[年月/.]", "-") \
        .str.replace(r"日$", "")
    return pl.coalesce(
        t.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        t.str.strptime(pl.Date, "%Y%m%d", strict=False),
    )


# -- validation -----------------------------------------------------------------------------
@dataclass
class Prepared:
    """A validated extract: one row per firm with parsed columns."""

    path: Path
    df: pl.DataFrame
    header_of: dict[str, str]
    errors: list[str] = field(default_factory=list)


def _norm_place(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"\s", "")


def validate(df: pl.DataFrame, header_of: dict[str, str], path: Path,
             districts: dict[str, str], *, today: date | None = None) -> pl.DataFrame:
    """Parse columns and check every row; raise :class:`RegistryError` with all errors.

    ``districts`` maps Jinan district names and aliases to their ids.
    """
    today = today or date.today()
    df = df.with_columns(
        pl.col("uscc").str.to_uppercase().str.replace_all(r"\s", ""),
        pl.col("name").str.replace_all(r"\s+", " "),
        capital_expr().alias("capital_wan"),
        date_expr().alias("founded_date"),
        pl.col("insured").str.replace(r"人$", "").cast(pl.Float64, strict=False)
        .cast(pl.Int64, strict=False).alias("insured_n"),
        _norm_place(pl.col("county")).alias("county_n"),
        _norm_place(pl.col("city")).alias("city_n"),
    )
    df = df.with_columns(pl.Series("uscc_ok", uscc_check_ok(df["uscc"])))
    city_jinan = pl.col("city_n").str.starts_with("济南")
    in_jinan_list = pl.col("county_n").is_in(list(districts))
    local = (city_jinan | (pl.col("city_n").is_null() & in_jinan_list)
             | pl.col("address").str.contains("济南").fill_null(False)).fill_null(False)
    df = df.with_columns(local.alias("local"),
                         pl.col("county_n").replace_strict(districts, default=None,
                                                           return_dtype=pl.String)
                         .alias("district_id"))
    first_row = df.group_by("uscc").agg(pl.col("row").min().alias("first_row"))
    df = df.join(first_row, on="uscc", how="left").sort("row")
    h = header_of
    known = "、".join(sorted({k for k in districts
                             if k.endswith(("区", "县")) and not k.startswith("济南")}))
    checks: list[tuple[str, pl.Expr, pl.Expr]] = [
        (h["name"], pl.col("name").is_null() | (pl.col("name") == ""),
         pl.lit("企业名称为空 missing name")),
        (h["uscc"], pl.col("uscc").is_null() | (pl.col("uscc") == ""),
         pl.lit("统一社会信用代码为空 missing code")),
        (h["uscc"], pl.col("uscc").is_not_null() & (pl.col("uscc") != "")
         & ~pl.col("uscc").str.contains(USCC_PATTERN),
         pl.format("{} 格式不对 is not an 18-character code (digits and letters except "
                   "I O Z S V)", "uscc")),
        (h["uscc"], pl.col("uscc").str.contains(USCC_PATTERN) & ~pl.col("uscc_ok"),
         pl.format("{} 校验位错误 wrong check digit (GB 32100)", "uscc")),
        (h["uscc"], pl.col("uscc").is_not_null() & (pl.col("row") != pl.col("first_row")),
         pl.format("{} 重复 duplicate of row {}", "uscc", "first_row")),
        (h["founded"], pl.col("founded").is_not_null() & (pl.col("founded") != "")
         & pl.col("founded_date").is_null(),
         pl.format("{} 日期无效 impossible date (use YYYY-MM-DD)", "founded")),
        (h["founded"], (pl.col("founded_date") > today)
         | (pl.col("founded_date") < date(1900, 1, 1)),
         pl.format("{} 日期不可能 date out of range (1900 … today)", "founded")),
        (h["capital"], pl.col("capital").is_not_null() & (pl.col("capital") != "")
         & (pl.col("capital") != "-") & pl.col("capital_wan").is_null(),
         pl.format("{} 不是数字 not a number (e.g. 500万元, 1.2亿元, 100万美元)", "capital")),
        (h["insured"], pl.col("insured").is_not_null() & (pl.col("insured") != "")
         & (pl.col("insured") != "-") & pl.col("insured_n").is_null(),
         pl.format("{} 不是整数 not a whole number", "insured")),
        (h["county"], city_jinan & pl.col("county_n").is_not_null()
         & (pl.col("county_n") != "") & pl.col("district_id").is_null(),
         pl.format("{} 不是济南的区县 unknown district of Jinan (known: " + known + ")",
                   "county")),
    ]
    errs = pl.concat([
        df.filter(cond.fill_null(False)).select(
            "row", pl.lit(col).alias("column"), msg.alias("message"))
        for col, cond, msg in checks
    ]).sort("row", maintain_order=True)
    if errs.height:
        name = path.name if path else "?"
        lines = [f"{name}:{r}: {c}: {m}" for r, c, m in errs.head(MAX_ERRORS).iter_rows()]
        raise RegistryError(lines, total=errs.height)
    return df.drop("first_row", "uscc_ok")


def jinan_districts(store: Any | None, seeds_dir: Path | None = None) -> dict[str, str]:
    """Name / alias → id of the districts under 济南市 (from the store, else the seed file)."""
    rows: list[dict[str, Any]] = []
    if store is not None:
        rows = store.read(
            "MATCH (d:District)-[:LOCATED_IN]->(c:District {id: 'jinan'}) "
            "RETURN d.id AS id, d.name AS name, d.aliases AS aliases")
    if not rows and seeds_dir is not None and (Path(seeds_dir) / "districts.yaml").is_file():
        data = yaml.safe_load((Path(seeds_dir) / "districts.yaml").read_text(encoding="utf-8"))
        rows = [d for d in data.get("districts", []) if d.get("parent") == "jinan"]
    out: dict[str, str] = {}
    for r in rows:
        for n in [r.get("name"), *(r.get("aliases") or [])]:
            if n:
                out[n] = r["id"]
                out[n.removeprefix("济南市")] = r["id"]
    return out


def prepare(path: Path, *, mapping: Path | None = None, store: Any | None = None,
            seeds_dir: Path | None = None, step: Callable[[str], None] | None = None) -> Prepared:
    """Parse, map and validate a file; raise :class:`RegistryError` listing every error."""
    step = step or (lambda _s: None)
    path = Path(path)
    step("解析 parse")
    raw = read_table(path)
    df, header_of = map_columns(raw, load_mapping(mapping), path)
    step("校验 validate")
    df = validate(df, header_of, path, jinan_districts(store, seeds_dir))
    return Prepared(path=path, df=df, header_of=header_of)


# -- graph rows -------------------------------------------------------------------------------
def name_keys(names: pl.Series) -> pl.Series:
    """:func:`registry_resolve.name_key` of each name, vectorised.

    >>> name_keys(pl.Series(["中国重型汽车集团有限公司", "ＢＹＤ 汽车股份有限公司", None])
    ...           ).to_list()
    ['中国重型汽车集团', 'byd汽车', '']
    """
    from chainatlas.loaders.registry_resolve import LEGAL_FORMS

    forms = "|".join(re.escape(f) for f in LEGAL_FORMS)
    key = (names.fill_null("").str.normalize("NFKC").str.to_lowercase()
           .str.replace_all(r"\s+", "").str.replace(r"\([^()]*\)$", "")
           .str.replace(f"(.)(?:{forms})$", "${1}").str.replace(r"\([^()]*\)$", ""))
    return key


def pinyin_tables(keys: pl.Series) -> tuple[dict[str, str], dict[str, str]]:
    """Pinyin and initial of every distinct CJK character of ``keys`` (pypinyin once per
    character, not per name: registry names are many; firm names rarely hit polyphones).

    >>> full, ini = pinyin_tables(pl.Series(["重汽"]))
    >>> full["汽"], ini["重"]
    ('qi', 'z')
    """
    from pypinyin import Style, lazy_pinyin

    chars = keys.str.split("").explode().unique().drop_nulls().to_list()
    cjk = [c for c in chars if c and "\u3400" <= c <= "\u9fff"]
    return ({c: lazy_pinyin(c)[0] for c in cjk},
            {c: lazy_pinyin(c, style=Style.FIRST_LETTER)[0] for c in cjk})


REGISTRY_PROPS: tuple[str, ...] = (
    "uscc", "status", "active", "capital_wan", "capital_text", "insured", "founded",
    "industry_code", "industry_name", "company_type", "legal_rep",
)
"""Registry properties set on every firm of an extract (document firms included)."""
OWN_PROPS: tuple[str, ...] = (
    "name", "aliases", "local", "province", "city", "county", "scope",
)
"""Properties a registry-only firm also takes from the extract."""


HASH_SEED = 16
"""Seed of a firm's ``registry_hash``; bumped when the stored form of a firm changes (15: the
scalar search keys ``key_name`` / ``key_pinyin`` / ``key_initials``; 16: the full-text tokens
``key_grams``), so the next import of an unchanged file rewrites firms stored in the older
form."""


def grams_column() -> pl.Expr:
    """:func:`chainatlas.graph.textkeys.grams_text` of every row's ``key_name``,
    ``key_pinyin`` and ``key_initials``, column-wise: the bigrams as two regex replacements
    (pairs from the first and from the second character), no per-row list.

    >>> f = pl.DataFrame({"key_name": ["济南重汽", "", "a(b)"],
    ...                   "key_pinyin": ["jinanzhongqi", "", ""], "key_initials": ["jnzq", "", ""]})
    >>> f.select(grams_column()).to_series().to_list()
    ['s济南 g济南 g重汽 g南重 qjinanzhongqi xjnzq', '', 'sa0 ga0 gb0 g0b']
    """
    from chainatlas.graph.textkeys import NOT_PLAIN, TOKEN_CHARS

    key = pl.col("key_name").fill_null("").str.replace_all(NOT_PLAIN, "0")
    n = key.str.len_chars()
    even = key.str.slice(0, (n // 2) * 2).str.replace_all("(..)", " g$1")
    odd = key.str.slice(1, ((n - 1).clip(0) // 2) * 2).str.replace_all("(..)", " g$1")
    start = pl.when(n >= 2).then(pl.lit("s") + key.str.slice(0, 2)).otherwise(pl.lit(""))

    def latin(col: str, marker: str) -> pl.Expr:
        v = (pl.col(col).fill_null("").str.to_lowercase().str.slice(0, TOKEN_CHARS)
             .str.replace_all(r"[^a-z0-9]", "0"))
        return pl.when(v != "").then(pl.lit(f" {marker}") + v).otherwise(pl.lit(""))

    return pl.concat_str([start, even, odd, latin("key_pinyin", "q"),
                          latin("key_initials", "x")]).str.strip_chars(" ")


def firm_frame(df: pl.DataFrame, ids: pl.Series, doc_ids: set[str],
               placements: pl.DataFrame, file_label: str) -> pl.DataFrame:
    """One row per firm: ``id``, ``doc`` (lands on a document node), ``district``, ``segs``
    (``{dst, note}`` placements), ``hash`` of its registry data, and the node ``props``.

    Document firms keep their name, aliases, basis and sources: they only take the
    :data:`REGISTRY_PROPS` (plus ``registry_name``). Built column-wise; the only per-row Python
    is the pinyin of the names (:func:`fast_search_keys`).
    """
    aliases = (pl.col("former_names").fill_null("").str.split(r"[;；,，、]")
               .list.eval(pl.element().str.strip_chars().filter(pl.element() != "")))
    base = df.select(
        ids.alias("id"), "row", "name", "uscc", "status", "legal_rep",
        pl.col("capital").alias("capital_text"), "capital_wan",
        pl.col("founded_date").cast(pl.String).alias("founded"), "province", "city", "county",
        pl.col("industry_code").str.extract(r"(\d{2,4})", 1).alias("industry_code"),
        "industry_name", "company_type", pl.col("insured_n").alias("insured"), "scope", "local",
        (~pl.col("status").fill_null("").is_in(list(INACTIVE))).alias("active"),
        aliases.alias("aliases"),
        pl.when(pl.col("local")).then(pl.coalesce("district_id", pl.lit("jinan")))
        .otherwise(None).alias("district"),
    ).with_columns(pl.col("id").is_in(list(doc_ids)).alias("doc"))
    segs = placements.group_by("id").agg(
        pl.struct(pl.col("segment").alias("dst"), "note").sort_by("segment").alias("segs"))
    base = base.join(segs, on="id", how="left", maintain_order="left")
    # search keys: name, name without legal form, aliases, pinyin and initials (per character)
    keys = name_keys(base["name"])
    full, initials = pinyin_tables(keys)
    chars = pl.col("key").str.split("")
    base = base.with_columns(keys.alias("key")).with_columns(
        pl.col("key").alias("key_name"),
        chars.list.eval(pl.element().replace_strict(full, default=pl.element())).list.join("")
        .alias("key_pinyin"),
        chars.list.eval(pl.element().replace_strict(initials, default=pl.element()))
        .list.join("").alias("key_initials"),
    ).with_columns(
        pl.concat_list(
            pl.col("name").str.to_lowercase(), "key", "key_pinyin", "key_initials",
            pl.col("aliases").list.eval(pl.element().str.to_lowercase()),
        ).list.eval(pl.element().filter(pl.element() != "")).list.unique(maintain_order=True)
        .alias("search_keys"),
        pl.format("{}:{}", pl.lit(file_label), "row").alias("registry_source"),
    ).drop("key")
    base = base.with_columns(grams_column().alias("key_grams"))
    hashed = [*REGISTRY_PROPS, *OWN_PROPS, "district", "segs", "doc"]
    base = base.with_columns(pl.struct(hashed).hash(seed=HASH_SEED).cast(pl.String).alias("hash"))
    own = pl.struct(
        pl.lit("enterprise").alias("kind"), pl.lit("registry").alias("basis"),
        pl.lit("registry").alias("source"), *REGISTRY_PROPS, *OWN_PROPS,
        pl.col("aliases").list.join(" ").alias("aliases_text"), "search_keys",
        "key_name", "key_pinyin", "key_initials", "key_grams",
        "registry_source", pl.col("hash").alias("registry_hash"))
    doc = pl.struct(*REGISTRY_PROPS, pl.col("name").alias("registry_name"), "registry_source",
                    pl.col("hash").alias("registry_hash"))
    return base.select("id", "doc", "district", "segs", "hash", own.alias("own"),
                       doc.alias("docp"))


@dataclass
class ImportReport:
    """What an import found and did."""

    file: str
    rows: int
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    inactive: int = 0
    local: int = 0
    placed: int = 0
    placements: int = 0
    review: pl.DataFrame | None = None
    merged_rows: pl.DataFrame | None = None
    written: bool = False
    statements: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def default_paths(seeds_dir: Path) -> tuple[Path, Path]:
    """The rule file and the links file under ``seeds_dir``."""
    return Path(seeds_dir) / "registry_rules.yaml", Path(seeds_dir) / "registry_links.yaml"


CHANGED = (
    "UNWIND $rows AS row OPTIONAL MATCH (n:Node {id: row.id}) "
    "WITH row, n WHERE n IS NULL OR coalesce(n.registry_hash, '') <> row.h "
    "RETURN collect(row.id) AS changed, "
    "collect(CASE WHEN n IS NOT NULL THEN row.id END) AS known"
)
"""Which of these firms are new or hold other registry data than ``row.h``, and which of those
already exist (compared in the store: the ids of unchanged firms never travel back)."""


def plan_writes(frame: pl.DataFrame, changed: set[str], known: set[str], stale: list[str],
                file_label: str, batch_size: int) -> list[Any]:
    """The ``(cypher, rows)`` statements that bring the graph to ``frame``.

    ``changed``: ids of new or changed firms; ``known``: those of them already in the graph.
    Unchanged firms (same hash) are skipped; firms not yet in the graph are created (CREATE, no
    lookup); changed firms are merged and their stale district / rule placements removed.
    """
    from chainatlas.graph import bulk

    frame = frame.filter(pl.col("id").is_in(list(changed)))
    # new firms are created in search rank order (shorter names, active, local first): a
    # full-text lookup returns firms in the order they were indexed, so a broad input (济南)
    # answers with the best-ranked firms of the import first
    own = pl.col("own").struct
    new = frame.filter(~pl.col("doc") & ~pl.col("id").is_in(list(known))).sort(
        own.field("name").str.len_chars(), ~own.field("active"), ~own.field("local"), "id",
        nulls_last=True)
    upd = frame.filter(pl.col("doc") | pl.col("id").is_in(list(known)))

    def rel_rows(f: pl.DataFrame, kind: str) -> pl.DataFrame:
        if kind == "LOCATED_IN":
            r = f.filter(pl.col("district").is_not_null()).select(
                pl.col("id").alias("src"), pl.col("district").alias("dst"),
                pl.lit("registry").alias("basis"), pl.lit(f"{file_label} 所属区县").alias("note"),
                pl.lit(None, dtype=pl.String).alias("role"))
        else:
            r = f.select("id", "segs").explode("segs").drop_nulls("segs").select(
                pl.col("id").alias("src"), pl.col("segs").struct.field("dst"),
                pl.lit("rule").alias("basis"), pl.col("segs").struct.field("note"),
                pl.lit("member").alias("role"))
        return r.with_columns(pl.lit(file_label).alias("file"))

    def keep(f: pl.DataFrame, kind: str) -> pl.DataFrame:
        if kind == "LOCATED_IN":
            return f.select("id", pl.concat_list(pl.col("district")).list.drop_nulls()
                            .alias("keep"))
        return f.select("id", pl.col("segs").list.eval(pl.element().struct.field("dst"))
                        .fill_null(pl.lit([], dtype=pl.List(pl.String))).alias("keep"))

    def batches(cypher: str, rows: pl.DataFrame) -> list[Any]:
        return [(cypher, rows.slice(i, batch_size)) for i in range(0, rows.height, batch_size)]

    def created(make: Callable[[pl.DataFrame], Any], rows: pl.DataFrame) -> list[Any]:
        # creations only: FalkorDB may send these through GRAPH.BULK (graph/bulk.py)
        return [make(rows.slice(i, batch_size)) for i in range(0, rows.height, batch_size)]

    stale_df = pl.DataFrame({"id": stale}, schema={"id": pl.String})
    own_upd = upd.filter(~pl.col("doc")).select("id", pl.col("own").alias("props"))
    doc_upd = upd.filter(pl.col("doc")).select("id", pl.col("docp").alias("props"))
    return [
        *batches(bulk.drop_registry_nodes(), stale_df),
        *created(bulk.Create.nodes, new.select("id", pl.col("own").alias("props"))),
        *batches(bulk.upsert_firms(), own_upd),
        *batches(bulk.upsert_firms(), doc_upd),
        *created(lambda r: bulk.Create.rels("LOCATED_IN", r), rel_rows(new, "LOCATED_IN")),
        *batches(bulk.drop_stale_rels("LOCATED_IN", "District", "registry"),
                 keep(upd, "LOCATED_IN")),
        *batches(bulk.merge_rule_rels("LOCATED_IN"), rel_rows(upd, "LOCATED_IN")),
        *created(lambda r: bulk.Create.rels("IN_SEGMENT", r), rel_rows(new, "IN_SEGMENT")),
        *batches(bulk.drop_stale_rels("IN_SEGMENT", "Segment", "rule"), keep(upd, "IN_SEGMENT")),
        *batches(bulk.merge_rule_rels("IN_SEGMENT"), rel_rows(upd, "IN_SEGMENT")),
    ]


def import_registry(path: Path, store: Any | None, *, mapping: Path | None = None,
                    dry_run: bool = False, seeds_dir: Path | None = None,
                    rules_path: Path | None = None, links_path: Path | None = None,
                    batch_size: int = 25_000, bulk_min: int | None = None,
                    step: Callable[[str], None] | None = None,
                    progress: Callable[[int], None] | None = None,
                    on_total: Callable[[int], None] | None = None) -> ImportReport:
    """Validate ``path`` and (unless ``dry_run``) upsert its firms into ``store``, all or nothing.

    Raises :class:`RegistryError` (every error by row and column) before anything is written.
    Importing the same data again writes nothing (each firm keeps a hash of its registry data).
    ``bulk_min``: new firms from which FalkorDB writes them through ``GRAPH.BULK`` (default
    :data:`chainatlas.graph.bulk.BULK_MIN_ROWS`).
    """
    import time

    from chainatlas.graph import bulk
    from chainatlas.graph.doc_firms import doc_firm_statements
    from chainatlas.graph.tallies import tally_statements
    from chainatlas.loaders.registry_resolve import EXISTING, Links, resolve
    from chainatlas.loaders.registry_rules import RulesError, classify, load_rules

    step = step or (lambda _s: None)
    seeds_dir = Path(seeds_dir) if seeds_dir else Path(__file__).resolve().parent.parent / "seeds"
    d_rules, d_links = default_paths(seeds_dir)
    rules_path, links_path = rules_path or d_rules, links_path or d_links
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        t0 = now

    prepared = prepare(path, mapping=mapping, store=store, seeds_dir=seeds_dir, step=step)
    df = prepared.df
    lap("parse+validate")
    segments: set[str] | None = None
    if store is not None:
        segments = {r["id"] for r in store.read("MATCH (s:Segment) RETURN s.id AS id")} or None
    try:
        rules = load_rules(rules_path, segments)
    except RulesError as e:
        raise RegistryError(e.errors) from e
    step("匹配 resolve")
    existing = store.read(EXISTING) if store is not None else []
    res = resolve(df, existing, Links.load(links_path))
    doc_ids = {e["id"] for e in existing if e.get("basis") != "registry"}
    lap("resolve")
    step("分类 classify")
    placements = classify(df.select(res.ids.alias("id"), "industry_code", "industry_name",
                                    "scope", pl.col("district_id").alias("district")), rules)
    lap("classify")
    file_label = Path(path).name
    report = ImportReport(file=str(path), rows=df.height, review=res.review,
                          merged_rows=res.merged)
    report.inactive = int(df.select((pl.col("status").fill_null("").is_in(list(INACTIVE)))
                                    .sum()).item())
    report.local = int(df["local"].sum())
    report.placements = placements.height
    report.placed = placements["id"].n_unique() if placements.height else 0
    report.merged = res.merged.height
    frame = firm_frame(df, res.ids, doc_ids, placements, file_label)
    lap("rows")
    changed, known = frame["id"].to_list(), []
    if store is not None:
        diff = bulk.read_rows(store, CHANGED, frame.select("id", pl.col("hash").alias("h")))
        changed, known = (diff[0]["changed"], diff[0]["known"]) if diff else ([], [])
    lap("compare")
    report.unchanged = df.height - len(changed)
    report.updated = len(known)
    report.new = len(changed) - len(known)
    if dry_run or store is None:
        report.seconds = timings
        return report
    step("写入 write")
    # registry-only nodes of codes that now land on a document node (a new link or alias)
    stale = ["uscc-" + u.lower() for u, i in res.merged.select("uscc", "id").iter_rows()
             if i in set(changed)]
    statements = plan_writes(frame, set(changed), set(known), stale, file_label, batch_size)
    if statements:  # and re-tally the registry counts of every segment and chain, and re-list
        # every place's document firms (a merged document firm may have been placed by rule)
        statements = [*statements, *tally_statements(), *doc_firm_statements()]
    report.statements = len(statements)
    if statements:
        if on_total:
            on_total(sum(len(r) for _, r in statements))
        bulk.staged_apply(store, statements, progress=progress, bulk_min=bulk_min)
    lap("write")
    report.written = True
    report.seconds = timings
    return report


def write_review(review: pl.DataFrame, out: Path) -> Path:
    """Write the review list (CSV, UTF-8 with BOM so that Excel opens it)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(review.write_csv().encode("utf-8-sig"))
    return out
