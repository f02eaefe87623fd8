"""A large, realistic seed set in the seed YAML format, for the seed-load benchmark.

Unlike :mod:`chainatlas.loaders.synthetic` (small, uniform names), this writes what a city's
hand-kept seed directory would look like at scale: Chinese firm names with legal-form suffixes
(山东华信精密机械有限公司), short-name aliases (华信精密), English names, districts, segments
(``IN_SEGMENT``), parks (``LOCATED_IN``), partners, some inferred and reference links, and a
source document whose lines every quote is copied from (so the quote check runs and finds them).
Enterprises are split over files of ``per_file`` items (a seed file may be at most 20 MB).

>>> import tempfile
>>> from pathlib import Path
>>> from chainatlas.loaders.load import validate
>>> with tempfile.TemporaryDirectory() as tmp:
...     seeds, sources = write_seed_set(Path(tmp), enterprises=300, per_file=200)
...     sorted(p.name for p in seeds.iterdir())[:3]
...     data = validate(seeds, sources)[1]
['base.yaml', 'documents.yaml', 'enterprises_0000.yaml']
>>> len(data.nodes["Enterprise"]), sorted(data.rels)[:3]
(300, ['IN_SEGMENT', 'LOCATED_IN', 'MEMBER_OF'])
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

DOC = "gen-report"
DOC_FILE = "gen-report.txt"

_CORE = {  # brand characters and a romanisation for the English name
    "华": "hua", "信": "xin", "恒": "heng", "泰": "tai", "鲁": "lu", "齐": "qi", "泉": "quan",
    "源": "yuan", "博": "bo", "瑞": "rui", "宏": "hong", "远": "yuan", "金": "jin", "盛": "sheng",
    "德": "de", "力": "li", "天": "tian", "海": "hai", "正": "zheng", "明": "ming", "阳": "yang",
    "东": "dong", "方": "fang", "通": "tong", "联": "lian", "凯": "kai", "昌": "chang",
    "隆": "long", "丰": "feng", "嘉": "jia", "和": "he", "安": "an", "康": "kang", "润": "run",
    "荣": "rong", "益": "yi", "鑫": "xin", "晟": "sheng", "峰": "feng", "辉": "hui", "诚": "cheng",
    "佳": "jia", "兴": "xing", "永": "yong", "长": "chang", "重": "zhong", "银": "yin",
    "浪": "lang", "岱": "dai", "舜": "shun", "泓": "hong", "骏": "jun", "宇": "yu", "铭": "ming",
    "智": "zhi", "聚": "ju", "汇": "hui", "卓": "zhuo", "越": "yue", "乐": "le", "行": "xing",
}
_TRADE = [  # (中文, English) trade words
    ("精密机械", "Precision Machinery"), ("智能装备", "Intelligent Equipment"),
    ("新材料", "New Materials"), ("生物医药", "Biopharma"), ("电子科技", "Electronics"),
    ("半导体", "Semiconductor"), ("汽车零部件", "Auto Parts"), ("软件", "Software"),
    ("信息技术", "Information Technology"), ("动力电池", "Power Battery"),
    ("医疗器械", "Medical Devices"), ("化工", "Chemicals"), ("特钢", "Special Steel"),
    ("数控机床", "CNC Machine Tools"), ("光电", "Optoelectronics"), ("储能", "Energy Storage"),
    ("氢能", "Hydrogen"), ("机器人", "Robotics"), ("食品", "Foods"), ("物流", "Logistics"),
    ("环保科技", "Environmental Technology"), ("数据服务", "Data Services"),
    ("芯片设计", "Chip Design"), ("封装测试", "Packaging and Testing"),
    ("电气", "Electric"), ("重工", "Heavy Industry"), ("制药", "Pharmaceutical"),
    ("检测", "Testing"), ("云计算", "Cloud Computing"), ("工业互联网", "Industrial Internet"),
]
_PLACE = ["山东", "济南", ""]
_FORM = [("有限公司", "Co., Ltd."), ("股份有限公司", "Co., Ltd."),
         ("集团有限公司", "Group Co., Ltd."), ("科技有限公司", "Technology Co., Ltd.")]
_DISTRICTS = [("lixia", "历下区"), ("shizhong", "市中区"), ("huaiyin", "槐荫区"),
              ("tianqiao", "天桥区"), ("licheng", "历城区"), ("changqing", "长清区"),
              ("zhangqiu", "章丘区"), ("jiyang", "济阳区"), ("laiwu", "莱芜区"),
              ("gangcheng", "钢城区"), ("pingyin", "平阴县"), ("shanghe", "商河县")]
_CHAINS = ["集成电路", "汽车", "生物医药", "高端装备", "新能源", "新材料", "软件信息",
           "精品钢", "医疗器械", "人工智能", "氢能", "食品", "现代物流"]
_STAGES = ["上游材料", "核心部件", "关键设备", "整机制造", "系统集成", "应用服务"]
_STAGE_KEYS = ["upstream", "upstream", "midstream", "midstream", "downstream", "downstream"]
FIRMS_PER_QUOTE = 40
"""Firms of one segment listed on one line of the document (one quote for all of them)."""


def _dump(data: dict[str, Any]) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=200)


class _Names:
    """Unique firm names and aliases (case-insensitive, as the validator requires)."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.used: set[str] = set()
        self.chars = list(_CORE)

    def firm(self) -> tuple[str, list[str], str]:
        r = self.rnd
        for attempt in range(1000):
            k = 2 if attempt < 20 else 3
            core = "".join(r.choice(self.chars) for _ in range(k))
            trade, trade_en = r.choice(_TRADE)
            form, form_en = r.choice(_FORM)
            name = f"{r.choice(_PLACE)}{core}{trade}{form}"
            if name in self.used:
                continue
            self.used.add(name)
            aliases = []
            short = f"{core}{trade}"
            if short not in self.used:
                self.used.add(short)
                aliases.append(short)
            en = "".join(_CORE[c] for c in core).capitalize()
            return name, aliases, f"{en} {trade_en} {form_en}"
        raise RuntimeError("no free firm name")  # pragma: no cover


def write_seed_set(directory: Path, enterprises: int = 10_000, *, seed: int = 14,
                   per_file: int = 10_000) -> tuple[Path, Path]:
    """Write a seed set with ``enterprises`` firms under ``directory``; return
    ``(seeds directory, sources directory)`` (the latter holds the cited document)."""
    rnd = random.Random(seed)
    directory = Path(directory)
    seeds_dir, sources_dir = directory / "seeds", directory / "sources"
    seeds_dir.mkdir(parents=True, exist_ok=True)
    sources_dir.mkdir(parents=True, exist_ok=True)
    doc_lines = ["济南市重点产业链企业名录（生成数据，供基准测试）", ""]

    def quote(line: str) -> list[dict[str, str]]:
        doc_lines.append(line + "。")
        return [{"doc": DOC, "quote": line}]

    base: dict[str, list[dict[str, Any]]] = {"districts": [], "chains": [], "parks": [],
                                             "clusters": []}
    base["districts"].append({"id": "jinan", "name": "济南市", "name_en": "Jinan",
                              "level": "city", "sources": quote("济南市辖十个区、两个县")})
    for did, dname in _DISTRICTS:
        base["districts"].append({"id": did, "name": dname, "level": "district", "parent": "jinan",
                                  "sources": quote(f"{dname}位于济南市")})
        base["parks"].append({"id": f"{did}-park", "name": f"{dname[:-1]}产业园",
                              "aliases": [f"{dname[:-1]}园区"], "district": did,
                              "sources": quote(f"{dname[:-1]}产业园由{dname}建设运营")})
    segments: list[tuple[str, str]] = []
    for c, cname in enumerate(_CHAINS):
        segs = []
        for s, stage in enumerate(_STAGES):
            sid, sname = f"c{c}-s{s}", f"{cname}{stage}"
            seg: dict[str, Any] = {"id": sid, "name": sname, "stage": _STAGE_KEYS[s]}
            if s + 1 < len(_STAGES):
                seg["feeds"] = [{"id": f"c{c}-s{s + 1}", "basis": "reference",
                                 "reference": "产业链通行划分（生成数据）"}]
            seg["sources"] = quote(f"{cname}产业链涵盖{sname}环节")
            segs.append(seg)
            segments.append((sid, sname))
        base["chains"].append({"id": f"c{c}", "name": f"{cname}产业链", "tier": "flagship",
                               "order": c + 1, "sources": quote(f"做强{cname}产业链"),
                               "segments": segs})
        base["clusters"].append({"id": f"c{c}-cluster", "name": f"济南{cname}产业集群",
                                 "level": "provincial", "serves": [f"c{c}"],
                                 "sources": quote(f"济南{cname}产业集群入选省级集群")})
    names = _Names(rnd)
    seg_count: dict[str, int] = {}
    files: dict[str, str] = {}
    batch: list[dict[str, Any]] = []
    for e in range(enterprises):
        sid, sname = rnd.choice(segments)
        n = seg_count.get(sid, 0)
        seg_count[sid] = n + 1
        src = [{"doc": DOC, "quote": f"{sname}领域第{n // FIRMS_PER_QUOTE + 1}批重点企业名录"}]
        if n % FIRMS_PER_QUOTE == 0:
            doc_lines.append(src[0]["quote"] + "：（略）。")
        name, aliases, name_en = names.firm()
        did = rnd.choice(_DISTRICTS)[0]
        leader = rnd.random() < 0.03
        chain_link: dict[str, Any] | str = sid
        if leader:
            chain_link = {"id": sid, "role": "leader", "basis": "inferred",
                          "note": "名录列为首家企业，读作链主（生成数据）"}
        item: dict[str, Any] = {"id": f"e{e:07d}", "name": name}
        if aliases:
            item["aliases"] = aliases
        item["name_en"] = name_en
        item["district"] = did
        item["chains"] = [chain_link]
        if rnd.random() < 0.4:
            item["parks"] = [f"{did}-park"]
        if rnd.random() < 0.2:
            item["clusters"] = [f"{sid.split('-')[0]}-cluster"]
        if e and rnd.random() < 0.2:
            item["partners"] = [f"e{rnd.randrange(e):07d}"]
        if rnd.random() < 0.1:
            item["tags"] = ["专精特新" if rnd.random() < 0.5 else "高新技术企业"]
        item["sources"] = src
        batch.append(item)
        if len(batch) == per_file or e == enterprises - 1:
            files[f"enterprises_{len(files):04d}.yaml"] = _dump({"enterprises": batch})
            batch = []
    (sources_dir / DOC_FILE).write_text("\n".join(doc_lines) + "\n", encoding="utf-8")
    docs = {"documents": [{"id": DOC, "name": "济南市重点产业链企业名录（生成）",
                           "issuer": "济南市工业和信息化局", "date": "2026-01-01",
                           "file": DOC_FILE}]}
    (seeds_dir / "documents.yaml").write_text(_dump(docs), encoding="utf-8")
    (seeds_dir / "base.yaml").write_text(_dump(base), encoding="utf-8")
    for fname, text in files.items():
        (seeds_dir / fname).write_text(text, encoding="utf-8")
    return seeds_dir, sources_dir
