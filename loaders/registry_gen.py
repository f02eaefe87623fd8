"""Generate a realistic registry extract (企业登记数据) for tests and benchmarks.

The columns are those of a market-regulation / commercial-data-service export
(:data:`HEADERS`); 统一社会信用代码 carry a valid GB 32100-2015 check digit (python-stdnum
``stdnum.cn.uscc``); industry codes and districts are heavy-tailed (Zipf-like weights), about
8 % of firms are 注销/吊销, about 25 % are outside Jinan, 注册资本 comes in 万元 / 亿元 / 美元
forms. The same ``seed`` always gives the same file.

>>> df = generate(5, seed=1)
>>> df.height, df.columns[:3]
(5, ['企业名称', '统一社会信用代码', '登记状态'])
>>> from stdnum.cn import uscc
>>> all(uscc.is_valid(c) for c in df["统一社会信用代码"])
True
>>> generate(5, seed=1).equals(df)
True
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import yaml

HEADERS: tuple[str, ...] = (
    "企业名称", "统一社会信用代码", "登记状态", "法定代表人", "注册资本", "成立日期",
    "所属省份", "所属城市", "所属区县", "国标行业门类", "国标行业大类", "国标行业中类",
    "国标行业小类", "行业代码", "企业类型", "参保人数", "曾用名", "经营范围",
)

JINAN_DISTRICTS: tuple[str, ...] = (
    "历下区", "历城区", "济南高新区", "槐荫区", "市中区", "天桥区", "章丘区", "长清区",
    "莱芜区", "济阳区", "钢城区", "起步区", "平阴县", "商河县",
)
"""Jinan's districts, counties and zones, most firms first (the Zipf order)."""

OTHER_PLACES: tuple[tuple[str, str, str], ...] = (
    ("山东省", "青岛市", "黄岛区"), ("山东省", "烟台市", "芝罘区"), ("山东省", "潍坊市", "奎文区"),
    ("山东省", "淄博市", "张店区"), ("江苏省", "苏州市", "工业园区"),
    ("上海市", "上海市", "浦东新区"),
    ("广东省", "深圳市", "南山区"), ("北京市", "北京市", "海淀区"), ("浙江省", "杭州市", "滨江区"),
    ("安徽省", "合肥市", "蜀山区"),
)

SECTIONS: dict[str, str] = {
    "01": "A", "08": "B", "13": "C", "44": "D", "47": "E", "51": "F", "53": "G", "61": "H",
    "63": "I", "66": "J", "70": "K", "71": "L", "73": "M", "76": "N", "84": "Q",
}
SECTION_NAMES: dict[str, str] = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业", "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业", "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业", "Q": "卫生和社会工作",
}
FILLER_CODES: tuple[tuple[str, str], ...] = (
    ("5179", "其他机械设备及电子产品批发"), ("7212", "投资与资产管理"), ("5212", "超级市场零售"),
    ("4813", "市政道路工程建筑"), ("6210", "正餐服务"), ("7519", "其他科技推广服务业"),
    ("5191", "贸易代理"), ("7281", "科技会展服务"), ("3311", "金属结构制造"),
    ("1431", "米、面制品制造"), ("2438", "珠宝首饰及有关物品制造"), ("7020", "物业管理"),
)
"""Common codes that no rule places (most registry firms are in no chain)."""

SCOPES: dict[str, str] = {
    "6520": "集成电路设计；集成电路芯片设计及服务；软件开发",
    "3973": "集成电路制造；集成电路芯片及产品制造",
    "3841": "电池制造；锂离子电池制造", "3670": "汽车零部件及配件制造；汽车零配件批发",
    "3612": "新能源汽车整车制造", "3491": "工业机器人制造；工业机器人安装、维修",
    "6513": "软件开发；信息技术咨询服务", "3120": "炼钢；钢压延加工；金属材料销售",
    "2761": "生物药品制造；药品批发", "3421": "金属切削机床制造；数控机床销售",
}
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
            "曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红海波鹏宇浩"
PREFIX = ("齐鲁", "泉城", "鲁信", "华夏", "海岳", "明湖", "金泉", "东岳", "汇通", "瑞丰", "恒信",
          "中科", "天诚", "博远", "鼎盛", "宏达", "新元", "北辰", "浪潮", "智远")
MIDDLE = ("科技", "智能", "新材料", "电子", "装备", "实业", "信息技术", "生物", "机械", "能源")
FORMS = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")
TYPES = ("有限责任公司(自然人投资或控股)", "股份有限公司(非上市、自然人投资或控股)",
         "有限责任公司(国有独资)", "有限责任公司(外商投资、非独资)", "其他有限责任公司")
STATUSES = ("存续", "在业", "注销", "吊销")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def code_catalog(rules_path: Path | None = None) -> list[tuple[str, str]]:
    """(小类 code, name) pairs: the rule codes of ``seeds/registry_rules.yaml`` and fillers."""
    path = rules_path or Path(__file__).resolve().parent.parent / "seeds" / "registry_rules.yaml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    seen = dict.fromkeys((r["code"], r["name"]) for r in rules["codes"] if len(r["code"]) == 4)
    return [*FILLER_CODES, *seen]


def _zipf(n: int, s: float = 1.1) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


def make_uscc(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct valid codes: 91 (工商, 企业), an area code, a 9-character organisation code
    (distinct numbers), and the GB 32100 check digit (computed with numpy; python-stdnum
    ``stdnum.cn.uscc`` agrees, see the module doctest)."""
    alphabet = np.array(list(_USCC_ALPHABET))
    areas = np.array(["370100", "370102", "370112", "370200", "320500", "310115", "440305"])
    area = areas[rng.integers(0, len(areas), n)]
    org = rng.choice(10**8, size=n, replace=False) if n <= 10**7 else np.arange(n)
    last = alphabet[rng.integers(0, len(alphabet), n)]
    body = pl.Series(np.char.add(np.char.add(np.char.add("91", area),
                                             np.char.zfill(org.astype(str), 8)), last))
    buf = np.frombuffer("".join(body.to_list()).encode("ascii"), dtype=np.uint8).reshape(-1, 17)
    value = np.full(256, 0, dtype=np.int64)
    for i, c in enumerate(_USCC_ALPHABET):
        value[ord(c)] = i
    weights = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
    check = (31 - (value[buf] @ weights) % 31) % 31
    return (body + pl.Series(alphabet[check])).to_list()


def _capital(rng: np.random.Generator, n: int) -> pl.Series:
    wan = np.round(np.exp(rng.normal(6.0, 1.6, n)), 2)  # median ≈ 400 万元
    form = rng.random(n)
    df = pl.DataFrame({"wan": wan, "form": form})
    return df.select(
        pl.when(pl.col("form") < 0.08)
        .then(pl.format("{}亿元人民币", (pl.col("wan") / 10000).round(4)))
        .when(pl.col("form") < 0.14).then(pl.format("{}万美元", (pl.col("wan") / 7.1).round(2)))
        .when(pl.col("form") < 0.2).then(pl.format("{}万人民币", pl.col("wan")))
        .otherwise(pl.format("{}万元", pl.col("wan"))).alias("c"))["c"]


def generate(rows: int, seed: int = 0, *, rules_path: Path | None = None) -> pl.DataFrame:
    """A registry extract of ``rows`` firms as a DataFrame with :data:`HEADERS` columns.

    Built column-wise (numpy + polars): a million rows take seconds.
    """
    rng = np.random.default_rng(seed)
    catalog = code_catalog(rules_path)
    n_fill = len(FILLER_CODES)
    # 60 % of firms in common codes no rule places (trade, services …), the rest heavy-tailed
    # over the chain codes
    weights = np.concatenate([_zipf(n_fill) * 0.6, _zipf(len(catalog) - n_fill) * 0.4])
    order = np.concatenate([np.arange(n_fill), n_fill + rng.permutation(len(catalog) - n_fill)])
    pick = order[rng.choice(len(catalog), size=rows, p=weights)]
    code = np.array([c for c, _ in catalog])[pick]
    cname = np.array([n for _, n in catalog])[pick]
    section = np.array([SECTIONS[max(k for k in SECTIONS if k <= c[:2])] for c, _ in catalog])[pick]
    local = rng.random(rows) >= 0.25
    d_idx = rng.choice(len(JINAN_DISTRICTS), size=rows, p=_zipf(len(JINAN_DISTRICTS)))
    o_idx = rng.choice(len(OTHER_PLACES), size=rows, p=_zipf(len(OTHER_PLACES), 0.8))
    others = np.array(OTHER_PLACES)
    prov = np.where(local, "山东省", others[o_idx, 0])
    city = np.where(local, "济南市", others[o_idx, 1])
    county = np.where(local, np.array(JINAN_DISTRICTS)[d_idx], others[o_idx, 2])
    serial = rng.choice(max(10 * rows, 10**6), size=rows, replace=False) + 1
    pre = np.array(PREFIX)
    mid = np.array(MIDDLE)
    forms = np.array(FORMS)
    scope_of = {c: SCOPES.get(c, f"{n}；技术服务、技术开发") for c, n in catalog}
    days = rng.integers(0, 14600, rows)
    sur = np.array(list(SURNAMES))
    giv = np.array(list(GIVEN))
    former = rng.random(rows) < 0.05
    df = pl.DataFrame({
        "place": pl.Series(city).str.strip_suffix("市"),
        "pre": pre[rng.integers(0, len(pre), rows)], "mid": mid[rng.integers(0, len(mid), rows)],
        "serial": serial, "form": forms[rng.integers(0, len(forms), rows)],
        "pre2": pre[rng.integers(0, len(pre), rows)], "former": former,
        "code": code, "cname": cname, "section": section,
        "rep": np.char.add(np.char.add(sur[rng.integers(0, len(sur), rows)],
                                       giv[rng.integers(0, len(giv), rows)]),
                           giv[rng.integers(0, len(giv), rows)]),
        "days": days,
    })
    return df.select(
        pl.format("{}{}{}{}{}", "place", "pre", "mid", "serial", "form").alias("企业名称"),
        pl.Series("统一社会信用代码", make_uscc(rng, rows)),
        pl.Series("登记状态", rng.choice(STATUSES, size=rows, p=[0.6, 0.32, 0.05, 0.03])),
        pl.col("rep").alias("法定代表人"),
        _capital(rng, rows).alias("注册资本"),
        (pl.lit(date(1985, 1, 1)) + pl.duration(days=pl.col("days"))).cast(pl.Date)
        .cast(pl.String).alias("成立日期"),
        pl.Series("所属省份", prov), pl.Series("所属城市", city), pl.Series("所属区县", county),
        pl.col("section").replace_strict(SECTION_NAMES).alias("国标行业门类"),
        pl.col("code").str.slice(0, 2).alias("国标行业大类"),
        pl.col("code").str.slice(0, 3).alias("国标行业中类"),
        pl.col("cname").alias("国标行业小类"),
        (pl.col("section") + pl.col("code")).alias("行业代码"),
        pl.Series("企业类型", np.array(TYPES)[rng.integers(0, len(TYPES), rows)]),
        pl.Series("参保人数", np.floor(np.exp(rng.normal(2.2, 1.5, rows))).astype(np.int64)),
        pl.when("former").then(pl.format("{}{}实业有限公司", "place", "pre2")).otherwise(pl.lit(""))
        .alias("曾用名"),
        pl.col("code").replace_strict(scope_of).alias("经营范围"),
    )


def write_frame(df: pl.DataFrame, out: Path, *, encoding: str = "utf-8-sig") -> Path:
    """Write ``df`` as CSV (``encoding``: utf-8-sig, utf-8, gb18030), XLSX or Parquet."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        df.write_parquet(out)
    elif suffix == ".xlsx":
        df.write_excel(out, autofit=False)
    elif suffix == ".csv":
        text = df.write_csv()
        out.write_bytes(text.encode(encoding))
    else:
        raise ValueError(f"{out}: unknown extension {suffix!r}; use .csv, .xlsx or .parquet")
    return out


def generate_file(rows: int, seed: int, out: Path, *, encoding: str = "utf-8-sig") -> Path:
    """Generate ``rows`` firms and write them to ``out`` (format from the extension)."""
    return write_frame(generate(rows, seed), out, encoding=encoding)
