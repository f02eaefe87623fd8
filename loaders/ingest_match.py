"""Find actors in a sentence: the graph's own names, organisation-name patterns, and frames.

Part of ``chainatlas ingest`` (:mod:`chainatlas.loaders.ingest`). Three finders:

* :class:`Gazetteer` — every name and alias of the seeds' actors, districts, chains and segments
  in one Aho-Corasick automaton (pyahocorasick); the longest non-overlapping hits win.
* :func:`org_candidates` — names ending in an organisation word (…有限公司 / 集团 / 研究院 /
  实验室 / 中心 / 平台 / 基地 / 产业园 / 科创城 …). The left boundary stops at punctuation,
  quotes and book-title marks, at a known name, and after the last verb or preposition of the
  run (赴 / 调研 / 推进 / 与 …), then jieba's part-of-speech tags trim any leading verb it
  still starts with; a name that is only generic words (创新平台, 合资公司) is dropped.
* :func:`frame_candidates` — names without an organisation word, from the frames reports use
  (``赴X、Y等重点企业开展…``, ``赴市移动调研``, ``谢堃同志``, ``编辑：陈静 赵文超``); jieba tags
  decide whether a lone item is a proper name.

>>> [c.name for c in org_candidates("【历城区】1月27日，与历城控股集团赴山大科创城进行现场查勘")]
['历城控股集团', '山大科创城']
>>> text = "前瞻布局量子信息未来产业科技园、山东盛迪创新药物研发基地等重大平台"
>>> [c.name for c in org_candidates(text)]
['量子信息未来产业科技园', '山东盛迪创新药物研发基地']
>>> [c.name for c in frame_candidates("【济阳区】赴欧锐激光、恒储机械、铭牌精工等重点企业开展")]
['欧锐激光', '恒储机械', '铭牌精工']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from chainatlas.loaders.validate import EVIDENCE_KINDS, SeedSet

ACTOR_KINDS = ("enterprise", "platform", "park", "cluster", "agency", "person", "project")
"""Kinds ``ingest`` proposes and links (policies are linked when named, never proposed)."""

# organisation word -> (kind, confidence); longest first when matching
ORG_SUFFIXES: dict[str, tuple[str, float]] = {
    "有限公司": ("enterprise", 0.9), "有限责任公司": ("enterprise", 0.9),
    "公司": ("enterprise", 0.8),
    "集团": ("enterprise", 0.8),
    "研究院": ("platform", 0.85), "科学院": ("platform", 0.85), "学院": ("platform", 0.8),
    "大学": ("platform", 0.85), "实验室": ("platform", 0.85), "医院": ("platform", 0.7),
    "中心": ("platform", 0.7), "平台": ("platform", 0.75), "院": ("platform", 0.6),
    "孵化基地": ("park", 0.8), "基地": ("platform", 0.7),
    "产业园区": ("park", 0.85), "产业园": ("park", 0.85), "科技园": ("park", 0.85),
    "创业园": ("park", 0.85), "园区": ("park", 0.7), "科创城": ("park", 0.85),
    "产业城": ("park", 0.85),
    "局": ("agency", 0.7), "办公室": ("agency", 0.75), "联盟": ("agency", 0.75),
    "产业集群": ("cluster", 0.8),
}
_SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, ORG_SUFFIXES), key=len, reverse=True)))
_NOT_A_NAME = {"布局", "格局", "结局", "开局", "大局", "全局", "时局", "变局", "当局", "出局",
               "住院", "书院", "好局", "新局", "法院", "全院", "医院"}
_CONTINUES = ("科技园", "科创城", "城")  # 大学科技园: one name, not 大学 + 科技园
_NOT_AN_END = ("院士", "院长", "院校", "局长", "局属", "中心城", "大学生", "平台公司", "中心区")

STOP_WORDS = (
    "赴", "前往", "调研", "陪同", "参观", "联合", "指导", "组织", "协调", "举办", "布局", "推进",
    "推动", "加快", "建设", "打造", "对接", "深化", "了解", "考察", "完成", "召开", "开展", "走访",
    "前瞻", "聚焦", "围绕", "依托", "支持", "培育", "引进", "招引", "签约", "落地", "揭牌", "成立",
    "获批", "入选", "审核", "组建", "共建", "携手", "发挥", "提供", "助力", "面向", "包括", "合作",
    "解决", "探讨", "研讨", "座谈", "交流", "学习", "培训", "申报", "加速", "加强", "优化",
    "一批", "以上", "各类", "是", "利用", "设立", "启动", "搭建", "搭", "争创", "创建",
    "争取", "以", "建立", "通过", "纳入", "接入", "做强", "做大", "支撑", "推广",
    "就", "在", "到", "于", "由", "为", "对", "向", "从", "把", "将", "被", "等", "暨", "并", "或",
    "的", "了", "及", "同", "与", "和", "跟",
)
"""Words a name does not start with: the name starts after the last one of its run."""
_STOP_RE = re.compile("|".join(sorted(map(re.escape, STOP_WORDS), key=len, reverse=True)))

PLACE_PREFIXES = ("山东省", "山东", "济南市", "济南", "中国", "全国", "省", "市")
"""A name may join two parts with 与/和 when its first part starts with one of these."""

GENERIC_WORDS = frozenset({
    "创新", "科研", "公共", "服务", "技术", "重大", "关键", "重点", "中试", "电路板", "研发",
    "孵化", "产业", "工业", "合资", "三甲", "企业", "全", "该", "本", "我", "各", "这", "此",
    "省级", "市级", "国家级", "国家", "新型", "高端", "综合", "示范", "专业", "成果", "转化",
    "共享", "人才", "项目", "园区", "平台", "中心", "单位", "部门", "相关", "有关", "对上",
    "一批", "多个", "两大", "全链条", "高校", "驻区", "区域", "全区", "全市", "全省", "街道",
    "机关", "局属", "处室", "职能", "科技", "政务", "数据", "创业", "招商", "统计", "功能",
    "管理", "发展", "建设", "特色", "高水平", "高能级", "载体", "共性", "概念验证", "专业化",
    "专业型", "工业互联网", "科创", "实训", "标准", "工程", "制造业", "三级", "主导", "创新型",
    "深度融合", "产业链", "大型", "互联网", "区域性", "研究", "院所", "科研院所", "以上",
    "各类", "一流", "新型研发", "双创", "众创", "省重点", "市重点", "国家重点", "骨干", "领军",
    "头部", "中医", "医疗", "区域医疗", "产教融合", "基地", "公共资源", "多层次", "现有",
    "标杆型", "特色化", "新认定", "区县", "村", "社区", "绿色", "零碳", "企业技术", "工业设计",
    "软件工程技术", "博士后", "卓越工程师", "现代产业", "未来技术", "数字化作业",
    "国家区域医疗", "国家医学", "城市副", "北方", "商贸物流", "先进制造业", "养老服务",
    "日间照料", "托育综合", "大学生", "综治", "停车", "协作", "试点", "绿电", "化工", "作业",
    "数字化", "公共停车",
})
"""Words that do not make a name on their own (创新平台, 合资公司, 研发中心 …)."""

OTHER_CITIES = ("深圳", "北京", "上海", "广州", "杭州", "南京", "苏州", "青岛", "天津", "武汉",
                "合肥", "西安", "成都", "重庆", "香港", "烟台", "潍坊", "淄博")
"""City names that make a firm non-local when its name starts with them."""

_CJK = r"\u3400-\u9fff"
_MEASURE = "家个项批座所类只支大"
_NUMERALS = "一二三四五六七八九十百千万两几多数"
_NAME_CHAR = re.compile(rf"[{_CJK}A-Za-z·（）()]")


@dataclass(frozen=True)
class Hit:
    """A known name found in a text: ``text[start:end] == name`` names node ``id``."""

    start: int
    end: int
    id: str
    name: str
    kind: str


@dataclass
class Candidate:
    """A name that may be a new actor."""

    name: str
    start: int
    end: int
    kind: str
    confidence: float
    how: str  # what found it, for the review file
    aliases: list[str] = field(default_factory=list)


@dataclass
class Entry:
    id: str
    kind: str
    name: str
    names: list[str]
    chain: str | None = None  # for segments: the chain; for chains: the parent


NOT_NAMED = frozenset({"metric", "relation", "document", *EVIDENCE_KINDS})
"""Seed items that are not actors with names (figures, relations, documents, evidence)."""


class Gazetteer:
    """The names the graph already has, from a validated seed set.

    ``exclude`` leaves nodes out (the leave-one-out measure removes what a document alone
    contributes).
    """

    def __init__(self, seeds: SeedSet, exclude: Iterable[str] = ()) -> None:
        skip = set(exclude)
        self.entries: dict[str, Entry] = {}
        self.by_name: dict[str, str] = {}
        self.topic_terms: dict[str, str] = {}  # chain / segment keyword -> id
        self.levels: dict[str, str] = {}  # district id -> level
        for item in seeds.items:
            m = item.model
            if item.kind == "segment_keywords":  # words that place an actor in a segment
                for k in m.keywords:
                    self.topic_terms.setdefault(k.casefold(), m.segment)
                continue
            if item.kind in NOT_NAMED or m.id in skip:
                continue
            names = [m.name, *getattr(m, "aliases", [])]
            chain = item.chain if item.kind == "segment" else getattr(m, "parent", None)
            self.entries[m.id] = Entry(m.id, item.kind, m.name, names, chain)
            if item.kind == "district":
                self.levels[m.id] = m.level
            for n in names:
                self.by_name.setdefault(n.casefold(), m.id)
            if item.kind in {"chain", "segment"}:
                for k in getattr(m, "keywords", []):
                    self.topic_terms.setdefault(k.casefold(), m.id)
        self._auto = ahocorasick.Automaton()
        keys = {**{k: i for k, i in self.topic_terms.items()}, **self.by_name}
        for key, node_id in keys.items():
            if len(key) >= 2:
                self._auto.add_word(key, (key, node_id))
        if len(self._auto):
            self._auto.make_automaton()

    def level(self, node_id: str) -> str | None:
        """A district's level (city, district, county, zone, province)."""
        return self.levels.get(node_id)

    def city(self) -> str | None:
        """The city district (济南市), for actors placed city-wide."""
        return next((i for i, lv in self.levels.items() if lv == "city"), None)

    def kind(self, node_id: str) -> str:
        return self.entries[node_id].kind

    def hits(self, text: str, kinds: Iterable[str] | None = None) -> list[Hit]:
        """Known names in ``text``, longest first, without overlaps, in text order."""
        if not len(self._auto):
            return []
        want = set(kinds) if kinds is not None else None
        found: list[Hit] = []
        for end, (key, node_id) in self._auto.iter(text.casefold()):
            kind = self.entries[node_id].kind
            if want is None or kind in want:
                s = end - len(key) + 1
                found.append(Hit(s, end + 1, node_id, text[s:end + 1], kind))
        found.sort(key=lambda h: (-(h.end - h.start), h.start))
        taken: list[Hit] = []
        for h in found:
            if all(h.end <= t.start or h.start >= t.end for t in taken):
                taken.append(h)
        return sorted(taken, key=lambda h: h.start)

    def lookup(self, name: str) -> str | None:
        return self.by_name.get(name.casefold())

    def district_of(self, text: str | None) -> str | None:
        """The district a header or a name's first words name (``历城区`` → ``licheng``)."""
        if not text:
            return None
        node = self.lookup(text)
        if node and self.entries[node].kind == "district":
            return node
        hits = self.hits(text, ("district",))
        return hits[0].id if hits and hits[0].start == 0 else None

    def related(self, name: str, kinds: Iterable[str] = ACTOR_KINDS) -> tuple[str, str] | None:
        """A known actor ``name`` is another form of: ``(id, 'longer'|'shorter'|'abbreviation')``.

        ``中国科学院济南科创城`` is a longer form of a known ``济南科创城``; ``山东产研院`` an
        abbreviation of ``山东产业技术研究院`` (same first and last character, the rest in order).
        """
        want = set(kinds)
        for node_id, e in self.entries.items():
            if e.kind not in want:
                continue
            for known in e.names:
                rel = form_relation(name, known)
                if rel:
                    return node_id, rel
        return None


def form_relation(name: str, known: str) -> str | None:
    """How ``name`` relates to ``known`` when both name the same actor, else None.

    >>> form_relation("中国科学院济南科创城", "济南科创城")
    'longer'
    >>> form_relation("济南科创城", "中国科学院济南科创城")
    'shorter'
    >>> form_relation("山东产研院", "山东产业技术研究院")
    'abbreviation'
    >>> form_relation("山东大学材料学院", "山东大学") is None
    True
    """
    if name == known or min(len(name), len(known)) < 4:
        return None
    if name.endswith(known) and not is_generic(known):
        return "longer"
    if known.endswith(name) and not is_generic(name) and _suffix(name):
        return "shorter"
    if (len(name) < len(known) and name[0] == known[0] and name[-1] == known[-1]
            and _subsequence(name, known) and _suffix(name)):
        return "abbreviation"
    return None


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _suffix(name: str) -> str | None:
    for s in sorted(ORG_SUFFIXES, key=len, reverse=True):
        if name.endswith(s):
            return s
    return None


def strip_places(stem: str) -> str:
    """``stem`` without the district or bare 省/市 it starts with (a province or city name, as
    in 山东产业技术研究院, makes a name specific and stays).

    >>> strip_places("历下区三甲"), strip_places("省重点"), strip_places("山东产业技术")
    ('三甲', '重点', '山东产业技术')
    """
    changed = True
    while changed and stem:
        changed = False
        for p in ("省", "市", "全市", "全区", "全省", "我市", "本市"):
            if stem.startswith(p) and len(stem) > len(p):
                stem, changed = stem[len(p):], True
        m = re.match(rf"[{_CJK}]{{1,3}}[区县]", stem)
        if m and m.end() < len(stem) and m.group(0) not in {"园区", "城区", "社区"}:
            stem, changed = stem[m.end():], True
    return stem


def is_generic(name: str) -> bool:
    """True when ``name`` (minus its organisation word and leading places) is only generic words.

    >>> is_generic("创新平台"), is_generic("电路板中试平台"), is_generic("信息院")
    (True, True, False)
    """
    suffix = _suffix(name) or ""
    stem = strip_places(name[: len(name) - len(suffix)] if suffix else name)
    if not stem:
        return True
    i = 0
    while i < len(stem):
        for n in (4, 3, 2, 1):
            if stem[i:i + n] in GENERIC_WORDS:
                i += n
                break
        else:
            return False
    return True


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and part-of-speech tags of ``text``."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    return tuple((w.word, w.flag) for w in pseg.cut(text))


def _trim_leading(name: str) -> str:
    """Drop leading words jieba tags as verb, preposition, conjunction, adverb or pronoun."""
    words = pos_tags(name)
    cut = 0
    for word, flag in words:
        if flag[:1] in {"p", "c", "d", "r", "u"} or flag == "v":
            cut += len(word)
            continue
        break
    rest = name[cut:]
    if cut and rest == _suffix(rest):
        return ""  # a verb and an organisation word (降低园区): no name
    return rest if len(rest) >= 3 and _suffix(rest) else name


def _left_boundary(text: str, stem_end: int, floor: int) -> int:
    """Where the name ending at ``stem_end`` (start of its organisation word) begins."""
    if text[stem_end - 1:stem_end] == "”":
        q = text.rfind("“", floor, stem_end)
        if q >= 0 and stem_end - q <= 12:
            return q  # “泉惠企”平台: the quoted name and its organisation word
    i = stem_end
    depth = 0
    while i > floor:
        ch = text[i - 1]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                break
            depth -= 1
        elif not _NAME_CHAR.match(ch):
            break
        i -= 1
    run = text[i:stem_end]
    cut = 0
    for m in _STOP_RE.finditer(run):
        if m.group(0) in {"与", "和"} and _joins_name(run, m.start(), m.end()):
            continue
        if m.group(0) == "和" and run[m.start() - 1:m.start()] == "共":
            continue
        cut = m.end()
    return i + cut


def _joins_name(run: str, at: int, after: int) -> bool:
    """``与``/``和`` inside a name (山东省机器人与智能装备…平台): the part before starts with a
    place and has no stop word, the part after does not start with a place."""
    before = run[:at]
    stops = list(_STOP_RE.finditer(before))
    part = before[stops[-1].end():] if stops else before
    return (len(part) >= 4 and (part.startswith(PLACE_PREFIXES)
                                or re.match(rf"[{_CJK}]{{1,3}}[区县]", part) is not None)
            and not run[after:].startswith(PLACE_PREFIXES))


def org_candidates(text: str, known: list[Hit] | None = None) -> list[Candidate]:
    """Names ending in an organisation word in ``text`` (see the module docstring)."""
    known = known or []
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    for m in _SUFFIX_RE.finditer(text):
        end = m.end()
        if (text.startswith(_NOT_AN_END, m.start()) or text[m.start() - 1:m.end()] in _NOT_A_NAME
                or (text.startswith(_CONTINUES, m.end()) and m.group(0) in {"大学", "学院"})):
            continue
        floor = max([h.end for h in known if h.end <= m.start()], default=0)
        start = _left_boundary(text, m.start(), floor)
        owner = next((h for h in known if h.end == start and h.kind in ACTOR_KINDS), None)
        if owner is not None:  # 山东大学 + 材料学院: a unit of a known actor
            start = owner.start
        name = text[start:end]
        if len(name) < 3 or name == m.group(0) or (start, end) in seen:
            continue
        m2 = re.match(rf"[{_NUMERALS}]*[{_MEASURE}]", name)
        if m2 and (m2.end() > 1 or text[:start].rstrip()[-1:].isdigit()):
            start, name = start + m2.end(), name[m2.end():]  # 3家省实验室, 两家…中心
        trimmed = _trim_leading(name)
        if not trimmed:
            continue
        start += len(name) - len(trimmed)
        name = trimmed
        if is_generic(name) or name.count("（") != name.count("）"):
            continue
        if any(h.start <= start and end <= h.end for h in known):
            continue  # part of a name the graph knows
        seen.add((start, end))
        kind, conf = ORG_SUFFIXES[m.group(0)]
        out.append(Candidate(name, start, end, kind, conf, f"name ends with “{m.group(0)}”"))
    return out


_SHARED = re.compile(rf"等([{_NUMERALS}]+[大个家类])?([{_CJK}]{{2,12}}?(?:{_SUFFIX_RE.pattern}))")


def shared_head_candidates(text: str, known: list[Hit] | None = None) -> list[Candidate]:
    """One organisation word shared by a list: ``机器人、新能源装备、现代医药等六大产业发展办公室``
    names 机器人产业发展办公室, 新能源装备产业发展办公室 and 现代医药产业发展办公室.

    >>> text = "发挥好高速列车、燃料电池等国家技术创新中心和先进印染、虚拟现实等国家制造业创新中心"
    >>> [c.name for c in shared_head_candidates(text)]  # doctest: +NORMALIZE_WHITESPACE
    ['高速列车国家技术创新中心', '燃料电池国家技术创新中心', '先进印染国家制造业创新中心',
     '虚拟现实国家制造业创新中心']
    """
    out: list[Candidate] = []
    prev = 0
    for m in _SHARED.finditer(text):
        head = m.group(2)
        left = re.split(r"[，。；：,（）()《》“”]", text[prev:m.start()])[-1]
        prev = m.end()
        if not is_generic(head):
            continue  # 等重大平台 is generic and shared; 等山东盛迪…基地 is a name of its own
        items = left.split("、")
        if len(items) < 2:
            continue
        stops = list(_STOP_RE.finditer(items[0]))
        items[0] = items[0][stops[-1].end():] if stops else items[0]
        words = pos_tags(items[0])
        while words and len(words[0][0]) == 1 and words[0][1][:1] in {"a", "d", "p", "c", "v", "u"}:
            items[0] = items[0][len(words[0][0]):]
            words = words[1:]
        suffix = _suffix(head) or ""
        kind, conf = ORG_SUFFIXES.get(suffix, ("platform", 0.6))
        for item in items:
            if not (2 <= len(item) <= 10) or not re.fullmatch(rf"[{_CJK}]+", item):
                continue
            name = item + head
            s = text.rfind(item, 0, m.start())
            out.append(Candidate(name, s, m.end(), kind, min(conf, 0.7),
                                 f"list sharing “{head}” (…、{item}…等{head})"))
    return out


_FRAME_VERB = re.compile(r"(?:赴|走访|前往|陪同|对接|联合|指导|与)")
_FRAME_END = re.compile(
    r"(?:调研|座谈|参观|开展|进行|召开|完善|做好|交流|等|赴|并|就|组织|[，。；：,])")
_LIST_SPLIT = re.compile(r"[、和及]")
_CITY_BODY = {"市", "省", "市委", "省委", "市政府", "省政府"}  # 市移动, 市委军民融合办
_PROPER = {"nr", "ns", "nt", "nz", "j", "eng", "nrt", "nrfg"}


def frame_candidates(text: str, known: list[Hit] | None = None,
                     taken: list[Candidate] | None = None) -> list[Candidate]:
    """Names without an organisation word, from visiting and listing frames, and persons."""
    known = known or []
    taken = taken or []
    out: list[Candidate] = []

    def covered(s: int, e: int) -> bool:
        # a known name inside the item, not at its start (市移动 ⊃ 移动), does not cover it
        return any(not (e <= x.start or s >= x.end) for x in [*taken, *out]) or any(
            not (e <= h.start or s >= h.end) and not (s < h.start and h.end <= e)
            for h in known)

    for m in _FRAME_VERB.finditer(text):
        stop = _FRAME_END.search(text, m.end())
        if not stop:
            continue
        span = text[m.end():stop.start()]
        listed = stop.group(0) == "等" and re.match(r"等[^，。；]{0,4}企业", text[stop.start():])
        pos = m.end()
        for item in _LIST_SPLIT.split(span):
            s = text.find(item, pos)
            e = s + len(item)
            pos = e
            if not (2 <= len(item) <= 7) or not re.fullmatch(rf"[{_CJK}]+", item):
                continue
            if covered(s, e) or is_generic(item) or item.startswith(OTHER_CITIES):
                continue
            tags = pos_tags(item)
            proper = any(f in _PROPER for _, f in tags) or tags[0][0] in _CITY_BODY
            if not (listed or (proper and len(item) >= 3)):
                continue
            conf = 0.75 if listed else 0.55
            kind = "agency" if item.endswith(("办", "委", "局", "厅")) else "enterprise"
            how = "listed as 重点企业 (等…企业)" if listed else f"visited/met (“{m.group(0)}…”)"
            out.append(Candidate(item, s, e, kind, conf, how))
    out += _persons(text, covered)
    return out


_STAFF = ("编辑", "校对", "审核", "签发", "责任编辑")
_AFTER_NAME = r"[：:，,、。（(\s]|在|表示|说|介绍|指出|$"
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚"
    "符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆"
    "农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋"
    "商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
"""Common surnames: a name after a title (局长黄波) starts with one."""
_TITLES = "副?(?:局长|书记|主任|区长|市长|县长|董事长|总经理|院长|所长|主席|厅长)"


def _persons(text: str, covered) -> list[Candidate]:
    out: list[Candidate] = []
    for m in re.finditer(rf"([{_CJK}]{{2,5}})同志", text):
        window = m.group(1)
        stops = list(_STOP_RE.finditer(window))
        if not stops:
            continue  # 陪同谢堃同志: the name follows a verb; else unsure where it starts
        name = window[stops[-1].end():]
        s = m.end(1) - len(name)
        if 2 <= len(name) <= 3 and not covered(s, m.end(1)):
            out.append(Candidate(name, s, m.end(1), "person", 0.7, "“…同志”"))
    for m in re.finditer(rf"(?:{_TITLES})([{_CJK}]{{2,3}}?)(?={_AFTER_NAME})", text):
        if (not covered(m.start(1), m.end(1)) and not is_generic(m.group(1))
                and m.group(1)[0] in SURNAMES):
            out.append(Candidate(m.group(1), m.start(1), m.end(1), "person", 0.7,
                                 "name after a title (局长/书记 …)"))
    for m in re.finditer(rf"(?:{'|'.join(_STAFF)})[：:]", text):
        pos = m.end()
        while True:
            n = re.match(rf"\s*([{_CJK}]{{2,3}})(?=\s|$)", text[pos:])
            if not n:
                break
            s = pos + n.start(1)
            out.append(Candidate(n.group(1), s, s + len(n.group(1)), "person", 0.7,
                                 f"staff line “{m.group(0)}”"))
            pos += n.end()
    return out
