"""Propose the facts a new report adds, for review, with quotes (``chainatlas ingest``).

Reads a report (.txt / .docx / .pdf, :mod:`chainatlas.loaders.ingest_text`), finds the actors it
names (:mod:`chainatlas.loaders.ingest_match`), places them (district from the report's own
``【区县】`` headers and the name, chains and segments from the name and the sentence), reads
figures as metrics, and writes, into an output directory:

* ``ID.yaml`` — a seed file in the normal format: the ``documents:`` entry of the report, the
  new actors under their sections, their links, and ``metrics:``. Every fact quotes the sentence
  it came from; it is ``basis: stated`` only where the sentence says it, else ``inferred`` with
  a ``note``. Placed beside ``seeds/`` with ``ID.txt`` in the sources directory it passes
  ``chainatlas load --dry-run`` (:func:`accept` checks exactly that before copying).
* ``ID.txt`` — the text that was read (the document file the quote check reads);
* ``ID.review.md`` — every proposal with its quote and confidence, and every mention of an actor
  the graph already has with the id it was linked to (and proposed new aliases).

A mention of a known actor — by its name or alias, or a longer / shorter / abbreviated form of
it — is never proposed as a new node: it becomes a link, and a new form an alias proposal.

>>> slug("山东莱威新材料有限公司")
'shandong-laiwei-xin-cailiao'
>>> slug("济南产发集团")
'jinan-chanfa-group'
>>> slug("山东省机器人与智能装备公共技术服务平台")
'shandongsheng-jiqiren-yu-zhineng-zhuangbei-gonggong-platform'
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any

import yaml

from chainatlas.loaders.ingest_match import (
    ACTOR_KINDS,
    OTHER_CITIES,
    Candidate,
    Gazetteer,
    Hit,
    form_relation,
    frame_candidates,
    org_candidates,
    pos_tags,
    shared_head_candidates,
)
from chainatlas.loaders.ingest_text import Sentence, read_document, split_sentences
from chainatlas.loaders.validate import SeedSet, SeedValidationError, read_seeds

SECTION_OF = {"enterprise": "enterprises", "platform": "platforms", "park": "parks",
              "cluster": "clusters", "agency": "agencies", "person": "persons",
              "project": "projects"}

_SUFFIX_EN = {"有限公司": "", "有限责任公司": "", "公司": "company", "集团": "group",
              "研究院": "institute", "实验室": "lab", "中心": "center", "平台": "platform",
              "基地": "base", "产业园区": "park", "产业园": "park", "科技园": "science-park",
              "科创城": "science-city", "大学": "university", "学院": "school", "局": "bureau"}


def slug(name: str) -> str:
    """A readable, stable id: pinyin of the name's words, the organisation word in English."""
    from pypinyin import lazy_pinyin

    tail = ""
    for suf in sorted(_SUFFIX_EN, key=len, reverse=True):
        if name.endswith(suf) and len(name) > len(suf):
            name, tail = name[: -len(suf)], _SUFFIX_EN[suf]
            break
    name = re.sub(r"（[^）]*）|\([^)]*\)", "", name)
    words = ["".join(lazy_pinyin(w)) for w, _ in pos_tags(name)]
    parts = [p for p in (re.sub(r"[^a-z0-9]", "", w.lower()) for w in words) if p]
    while len("-".join([*parts, tail])) > 60 and len(parts) > 1:
        parts.pop()  # long names: keep the first words and the organisation word
    return "-".join(p for p in [*parts, tail] if p)[:70] or "node"


@dataclass
class Placement:
    id: str
    basis: str
    note: str


@dataclass
class Actor:
    """A new actor proposed for the graph."""

    id: str
    name: str
    kind: str
    confidence: float
    how: str
    quotes: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    district: Placement | None = None
    chains: list[Placement] = field(default_factory=list)
    location: str | None = None
    headers: set[str] = field(default_factory=set)


@dataclass
class Link:
    """A mention of an actor the graph already has."""

    mention: str
    id: str
    known_name: str
    how: str  # exact | longer | shorter | abbreviation
    confidence: float
    quote: str


@dataclass
class Metric:
    id: str
    subject: Placement
    indicator: str
    value: float
    unit: str
    year: int
    kind: str
    text: str | None
    quote: str


@dataclass
class Proposal:
    doc_id: str
    title: str
    date: str | None
    file: str
    text: str
    document_known: bool
    actors: list[Actor] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    known_metrics: list[Metric] = field(default_factory=list)


def _link_id(link: Any) -> str:
    return link if isinstance(link, str) else link.id


def propose(text: str, doc_id: str, seeds: SeedSet, *, title: str | None = None,
            date: str | None = None, exclude: set[str] | None = None) -> Proposal:
    """What ``text`` (document ``doc_id``) adds to the graph of ``seeds``."""
    gaz = Gazetteer(seeds, exclude or ())
    sentences = split_sentences(text)
    title = title or next((s.text for s in sentences if s.text), doc_id)[:60]
    year = _year(date)
    known_doc = any(it.kind == "document" and it.model.id == doc_id for it in seeds.items)
    prop = Proposal(doc_id, title, date, f"{doc_id}.txt", text, known_doc)
    used_ids = set(gaz.entries) | {it.model.id for it in seeds.items
                                   if it.kind in {"metric", "document"}}
    by_name: dict[str, Actor] = {}
    home = _home_district(gaz, title)
    have = {(_link_id(it.model.subject), it.model.value, it.model.unit)
            for it in seeds.items if it.kind == "metric"}
    for sent in sentences:
        if re.fullmatch(r"【[^】]*】", sent.text):
            continue
        known = gaz.hits(sent.text, (*ACTOR_KINDS, "policy"))
        cands = org_candidates(sent.text, known)
        cands += frame_candidates(sent.text, known, cands)
        cands += shared_head_candidates(sent.text, known)
        for h in known:
            if any(c.start < h.start and h.end <= c.end for c in cands):
                continue  # 市移动 is not 移动: a known name inside a new one, not at its start
            if _other_district(h, gaz, gaz.district_of(sent.header) or home):
                continue  # 区科技局 under 【历城区】 is not 市中区科技局
            prop.links.append(Link(h.name, h.id, gaz.entries[h.id].name, "exact", 0.95,
                                   sent.text))
        _paren_aliases(sent.text, cands)
        for c in cands:
            _take(c, sent, gaz, prop, by_name, used_ids)
        for m in _metrics(sent, gaz, year, used_ids):
            if (m.subject.id, m.value, m.unit) in have:
                prop.known_metrics.append(m)  # the graph has this figure already
            else:
                prop.metrics.append(m)
    _merge_forms(prop, by_name)
    others = [a.name for a in prop.actors] + [link.mention for link in prop.links]
    for a in prop.actors:
        _place(a, gaz, others)
        if a.district is None and a.location is None and home and a.kind != "person":
            a.district = Placement(home, "inferred",
                                   f"{gaz.entries[home].name}的文件（标题），推断在该区县")
    prop.links = _dedupe_links(prop.links)
    return prop


def _other_district(hit: Hit, gaz: Gazetteer, here: str | None) -> bool:
    """Whether ``hit`` is a relative name (区科技局, 县发改局: a district's agency named without
    its district) of an actor of another district than ``here`` (the section's or the
    document's district) — or of any district when ``here`` is unknown: such a name says which
    office only together with its district, so it is not linked.

    A full name (市中区科技局) or any other name is never refused here.
    """
    if hit.name[:1] not in {"区", "县"}:
        return False
    entry = gaz.entries[hit.id]
    own = gaz.district_of(entry.name)
    if own is None or entry.name == hit.name:
        return False
    return own != here


def _home_district(gaz: Gazetteer, title: str) -> str | None:
    """The one district (not city or province) a document's title names, e.g. 市中区 in
    济南市市中区推进新型工业化…行动计划."""
    found = {h.id for h in gaz.hits(title, ("district",))
             if gaz.level(h.id) in {"district", "county", "zone"}}
    return found.pop() if len(found) == 1 else None


def _year(date: str | None) -> int:
    if date and re.match(r"\d{4}", date):
        return int(date[:4])
    return Date.today().year


def _paren_aliases(text: str, cands: list[Candidate]) -> None:
    """``齐鲁工业大学（省科学院）``: the name in brackets right after a name is its alias."""
    for c in list(cands):
        for d in cands:
            if d is not c and text[c.end:c.end + 1] == "（" and d.start == c.end + 1 \
                    and text[d.end:d.end + 1] == "）":
                c.aliases.append(d.name)
                cands.remove(d)


def _take(c: Candidate, sent: Sentence, gaz: Gazetteer, prop: Proposal,
          by_name: dict[str, Actor], used_ids: set[str]) -> None:
    node = gaz.lookup(c.name)
    if node:
        prop.links.append(Link(c.name, node, gaz.entries[node].name, "exact", 0.95, sent.text))
        return
    rel = gaz.related(c.name)
    if rel:
        node, how = rel
        prop.links.append(Link(c.name, node, gaz.entries[node].name, how,
                               round(c.confidence * 0.9, 2), sent.text))
        return
    actor = by_name.get(c.name)
    if actor is None:
        actor = Actor(_new_id(c.name, c.kind, used_ids), c.name, c.kind, c.confidence, c.how)
        by_name[c.name] = actor
        prop.actors.append(actor)
    actor.confidence = max(actor.confidence, c.confidence)
    for al in c.aliases:
        if al not in actor.aliases and not gaz.lookup(al):
            actor.aliases.append(al)
    if sent.text not in actor.quotes:
        actor.quotes.append(sent.text)
    if sent.header:
        actor.headers.add(sent.header)


def _new_id(name: str, kind: str, used: set[str]) -> str:
    base = slug(name)
    out, n = base, 2
    while out in used:
        out, n = f"{base}-{n}", n + 1
    used.add(out)
    return out


def _merge_forms(prop: Proposal, by_name: dict[str, Actor]) -> None:
    """Two new names of one actor (山东产研院 / 山东产业技术研究院): keep the longer, alias the
    other."""
    actors = sorted(prop.actors, key=lambda a: -len(a.name))
    for short in actors[::-1]:
        for long in actors:
            if long is short or long not in prop.actors or short not in prop.actors:
                continue
            if form_relation(short.name, long.name) in {"shorter", "abbreviation"}:
                long.aliases.append(short.name)
                long.quotes += [q for q in short.quotes if q not in long.quotes]
                long.headers |= short.headers
                prop.actors.remove(short)
                break


def _place(a: Actor, gaz: Gazetteer, others: list[str]) -> None:
    """District, locality and chains of a new actor (``others``: the other names found, not
    to be read as this actor's chain words)."""
    named = gaz.district_of(a.name)
    level = gaz.level(named) if named else None
    headers = {gaz.district_of(h) for h in a.headers} - {None}
    if a.name.startswith(OTHER_CITIES):
        a.location = next(c for c in OTHER_CITIES if a.name.startswith(c))
    elif named and (level in {"district", "county", "zone"}
                    or (level == "city" and len(headers) != 1)):
        a.district = Placement(named, "stated", "")
    elif a.kind == "agency" and a.name.startswith("市") and gaz.city():
        a.district = Placement(gaz.city(), "inferred", "名称以“市”开头，市级机构")
    elif len(headers) == 1:
        d = headers.pop()
        a.district = Placement(d, "inferred",
                               f"报告【{gaz.entries[d].name}】栏目下提及（活动所在区县，推断所在地）")
    elif len(headers) > 1 and gaz.city():
        a.district = Placement(gaz.city(), "inferred", "报告多个区县栏目下提及，推断为市级")
    seen: set[str] = set()
    for h in gaz.hits(a.name, ("chain", "segment")):
        if h.id not in seen:
            seen.add(h.id)
            a.chains.append(Placement(h.id, "inferred", f"名称含“{h.name}”"))
    for q in a.quotes:
        for clause in _clauses_about(q, a.name):
            for other in sorted(others, key=len, reverse=True):
                if other != a.name and other not in a.name:
                    clause = clause.replace(other, "\u3000" * len(other))
            for h in gaz.hits(clause, ("chain", "segment")):
                if h.id not in seen:
                    seen.add(h.id)
                    a.chains.append(Placement(h.id, "inferred", f"同一分句提及“{h.name}”"))


_BACK_REFERENCE = ("企业", "该企业", "公司", "该公司", "其", "平台", "该平台", "园区", "该园区",
                   "基地", "该基地")


def _clauses_about(sentence: str, name: str) -> list[str]:
    """The clause naming ``name`` and the next one when it refers back to it (``企业聚焦…``).

    >>> _clauses_about("赴甲有限公司座谈，企业聚焦集成电路封装，乙园区揭牌", "甲有限公司")
    ['赴甲有限公司座谈', '企业聚焦集成电路封装']
    """
    clauses = re.split(r"[，；。、]", sentence)
    for i, clause in enumerate(clauses):
        if name in clause:
            nxt = clauses[i + 1] if i + 1 < len(clauses) else ""
            return [clause, nxt] if nxt.startswith(_BACK_REFERENCE) else [clause]
    return []


def _clause_with(sentence: str, name: str) -> str | None:
    for clause in re.split(r"[，；。、]", sentence):
        if name in clause:
            return clause
    return None


_UNITS = "亿元|万元|元|家|名|项|笔|个|人|台|套|亩|万平方米|平方米|%"
_NUM = re.compile(rf"(\d+(?:\.\d+)?)\s*(余)?\s*({_UNITS})")
_NOT_AFTER_NUM = re.compile(r"\s*(?:年|月|日|号|期)")


def _metrics(sent: Sentence, gaz: Gazetteer, year: int, used: set[str]) -> list[Metric]:
    out: list[Metric] = []
    text = sent.text
    last_end = 0
    district = gaz.district_of(sent.header)
    subject = (Placement(district, "inferred", f"报告【{sent.header}】栏目下的数字")
               if district else
               Placement(gaz.lookup("济南市") or "jinan", "inferred", "不在区县栏目下，推断为全市"))
    for m in _NUM.finditer(text):
        if _NOT_AFTER_NUM.match(text, m.end(2) if m.group(2) else m.end(1)):
            continue
        after = re.split(r"[，。；、：]|[0-9]", text[m.end():])[0]
        after = re.sub(r"(学习|参加|参与|入选|达成|完成).*$", "", after)[:16]
        before = re.split(r"[，。；、：】]", text[last_end:m.start()])[-1]
        before = re.sub(r"^\s*\d+\s*[^\d\s]?", "", before).strip()
        before = re.sub(r"(达到|达|为|约|超过|超|突破|共|计)$", "", before).strip()
        indicator = (after.strip() or before)[:20] or m.group(3)
        last_end = m.end()
        yr = re.search(r"(20\d\d)\s*年度", _clause_with(text, m.group(0)) or "")
        clause = _clause_with(text, m.group(0)) or text
        kind = "target" if re.search(r"目标|力争|预计|计划", clause) else "result"
        from pypinyin import Style, lazy_pinyin
        initials = "".join(p[0] for p in lazy_pinyin(indicator, style=Style.FIRST_LETTER)
                           if p and p[0].isalnum())[:8].lower() or "x"
        base = f"m-{subject.id}-{initials}-{int(yr.group(1)) if yr else year}"
        mid, n = base, 2
        while mid in used:
            mid, n = f"{base}-{n}", n + 1
        used.add(mid)
        out.append(Metric(mid, subject, indicator, float(m.group(1)), m.group(3),
                          int(yr.group(1)) if yr else year, kind,
                          "以上" if m.group(2) else None, text))
    return out


def _dedupe_links(links: list[Link]) -> list[Link]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for link in links:
        key = (link.mention, link.id, link.quote)
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


# --- writing ------------------------------------------------------------------------------

def _link_obj(p: Placement) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id}
    if p.basis != "stated":
        out["basis"] = p.basis
        out["note"] = p.note
    return out


def seed_document(prop: Proposal) -> dict[str, Any]:
    """The proposal as a seed file (a mapping of sections)."""
    data: dict[str, Any] = {}
    if not prop.document_known:
        doc: dict[str, Any] = {"id": prop.doc_id, "name": prop.title}
        if prop.date:
            doc["date"] = prop.date
        doc["file"] = prop.file
        data["documents"] = [doc]
    claimed = {a.name.casefold() for a in prop.actors}
    for a in prop.actors:
        # one name, one node: an alias another proposal already claims is left out
        a.aliases = [al for al in dict.fromkeys(a.aliases) if al.casefold() not in claimed]
        claimed |= {al.casefold() for al in a.aliases}
    for a in prop.actors:
        item: dict[str, Any] = {"id": a.id, "name": a.name}
        if a.aliases:
            item["aliases"] = a.aliases
        if a.kind == "enterprise" and a.location:
            item["local"] = False
            item["location"] = a.location
        if a.district and a.kind != "person":
            item["district"] = _link_obj(a.district)
        if a.chains:
            field_name = {"enterprise": "chains", "project": "chains", "platform": "serves",
                          "park": "serves", "cluster": "serves", "agency": "oversees"}.get(a.kind)
            if field_name:
                item[field_name] = [_link_obj(c) for c in a.chains]
        item["description"] = f"ingest 提议（置信度 {a.confidence:.2f}，{a.how}）"
        item["sources"] = [{"doc": prop.doc_id, "quote": q} for q in a.quotes]
        data.setdefault(SECTION_OF[a.kind], []).append(item)
    for m in prop.metrics:
        mi: dict[str, Any] = {"id": m.id, "subject": _link_obj(m.subject),
                              "indicator": m.indicator, "value": _num(m.value), "unit": m.unit,
                              "year": m.year, "kind": m.kind}
        if m.text:
            mi["text"] = m.text
        mi["sources"] = [{"doc": prop.doc_id, "quote": m.quote}]
        data.setdefault("metrics", []).append(mi)
    return data


def _num(v: float) -> float | int:
    return int(v) if v == int(v) else v


def review_markdown(prop: Proposal) -> str:
    """The review file: every proposal with its verbatim quote and confidence."""
    lines = [f"# 待审提议 Proposals from {prop.doc_id} — {prop.title}", "",
             f"Document file: `{prop.file}`" + (f", date {prop.date}" if prop.date else ""),
             *([f"The document `{prop.doc_id}` is already in the seeds: no `documents:` entry "
                "is proposed.", ""] if prop.document_known else []),
             f"{len(prop.actors)} new actors, {len(prop.links)} mentions of known actors, "
             f"{len(prop.metrics)} figures. Check each, edit `{prop.doc_id}.yaml`, then "
             f"`chainatlas ingest --accept {prop.doc_id}.yaml` and `chainatlas load`.", "",
             "## 新主体 New actors", ""]
    for i, a in enumerate(prop.actors, 1):
        lines.append(f"### {i}. {a.name} → `{SECTION_OF[a.kind]}` id `{a.id}` "
                     f"(confidence {a.confidence:.2f})")
        lines.append(f"- kind: {a.kind} ({a.how})")
        if a.aliases:
            lines.append(f"- aliases: {', '.join(a.aliases)}")
        if a.location:
            lines.append(f"- not local: {a.location}")
        if a.district:
            lines.append(f"- district: `{a.district.id}` ({a.district.basis}"
                         + (f": {a.district.note}" if a.district.note else "") + ")")
        for c in a.chains:
            lines.append(f"- chain/segment: `{c.id}` ({c.basis}: {c.note})")
        for q in a.quotes:
            lines.append(f"- quote: > {q}")
        lines.append("")
    lines += ["## 已有主体 Known actors mentioned (linked, not duplicated)", ""]
    for link in prop.links:
        extra = ("" if link.how == "exact" else
                 f" — **proposed alias** “{link.mention}” ({link.how} form of “{link.known_name}”)")
        lines.append(f"- “{link.mention}” → `{link.id}` {link.known_name} "
                     f"(confidence {link.confidence:.2f}){extra}")
        lines.append(f"  - quote: > {link.quote}")
    lines += ["", "## 数字 Figures (metrics)", ""]
    for m in prop.metrics:
        lines.append(f"- `{m.id}` {m.indicator}: {_num(m.value)} {m.unit}"
                     + (f" ({m.text})" if m.text else "")
                     + f", {m.year}, subject `{m.subject.id}` ({m.subject.basis}: "
                     f"{m.subject.note}) (confidence 0.80)")
        lines.append(f"  - quote: > {m.quote}")
    if prop.known_metrics:
        lines += ["", "Figures the graph already has (same subject, value and unit; not "
                  "proposed): " + "、".join(f"{m.indicator} {_num(m.value)} {m.unit}"
                                           for m in prop.known_metrics)]
    return "\n".join(lines) + "\n"


@dataclass
class Written:
    yaml: Path
    review: Path
    text: Path
    proposal: Proposal


def ingest(file: Path, doc_id: str, seeds_dir: Path, out: Path, *, title: str | None = None,
           date: str | None = None) -> Written:
    """Read ``file``, propose against the seeds in ``seeds_dir``, write into ``out``."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", doc_id):
        raise ValueError(f"--doc {doc_id!r}: a document id is lowercase ASCII [a-z0-9._-], "
                         "e.g. kjj-weekly-19-2026-02-06")
    text = read_document(Path(file))
    seeds, errors = read_seeds(Path(seeds_dir))
    if errors:
        raise ValueError(f"the seeds in {seeds_dir} have {len(errors)} error(s); run "
                         "`chainatlas load --dry-run` and fix them first")
    prop = propose(text, doc_id, seeds, title=title, date=date)
    return write(prop, Path(out))


def write(prop: Proposal, out: Path) -> Written:
    out.mkdir(parents=True, exist_ok=True)
    y = out / f"{prop.doc_id}.yaml"
    header = (f"# Proposed by `chainatlas ingest` from {prop.file} — review before accepting.\n"
              f"# Quotes are sentences of {prop.file}; see {prop.doc_id}.review.md.\n")
    y.write_text(header + yaml.safe_dump(seed_document(prop), allow_unicode=True,
                                         sort_keys=False, width=100), encoding="utf-8")
    r = out / f"{prop.doc_id}.review.md"
    r.write_text(review_markdown(prop), encoding="utf-8")
    t = out / prop.file
    t.write_text(prop.text, encoding="utf-8")
    return Written(y, r, t, prop)


# --- accepting ----------------------------------------------------------------------------

def check_with(proposal: Path, seeds_dir: Path, sources_dir: Path, doc_file: Path | None) -> None:
    """Validate ``seeds_dir`` plus ``proposal`` (quotes checked against ``sources_dir`` plus
    ``doc_file``) in a scratch copy; raise :class:`SeedValidationError` on any error."""
    from chainatlas.loaders.load import validate

    with tempfile.TemporaryDirectory(prefix="chainatlas-ingest-") as tmp:
        seeds = Path(tmp) / "seeds"
        shutil.copytree(seeds_dir, seeds)
        (seeds / "ingested" / proposal.name).unlink(missing_ok=True)  # accepting it again
        shutil.copy(proposal, seeds / proposal.name)
        sources = Path(tmp) / "sources"
        sources.mkdir()
        if Path(sources_dir).is_dir():
            for f in Path(sources_dir).iterdir():
                if f.is_file():
                    (sources / f.name).symlink_to(f.resolve())
        if doc_file is not None and doc_file.is_file():
            dest = sources / doc_file.name
            dest.unlink(missing_ok=True)
            dest.symlink_to(doc_file.resolve())
        try:
            validate(seeds, sources)
        except SeedValidationError as e:  # name the user's files, not the scratch copy
            raise SeedValidationError([
                dataclasses.replace(err, file=_original(err.file, tmp, proposal, seeds_dir))
                for err in e.errors]) from None


def _original(file: str, tmp: str, proposal: Path, seeds_dir: Path) -> str:
    path = Path(file)
    if not path.is_absolute():
        return file
    try:
        rel = path.relative_to(Path(tmp) / "seeds")
    except ValueError:
        return file
    return str(proposal if rel == Path(proposal.name) else Path(seeds_dir) / rel)


def accept(proposal: Path, seeds_dir: Path, sources_dir: Path) -> tuple[Path, Path | None]:
    """Validate, then copy the proposal into ``seeds_dir/ingested/`` and its document file into
    ``sources_dir`` (or, when that is not writable, record the file's absolute path).

    Returns the seed file written and where the document file now is.
    """
    proposal = Path(proposal)
    if not proposal.is_file():
        raise FileNotFoundError(f"{proposal}: no such proposal file")
    data = yaml.safe_load(proposal.read_text(encoding="utf-8")) or {}
    docs = data.get("documents") or []
    doc_file = proposal.parent / docs[0]["file"] if docs and docs[0].get("file") else None
    if doc_file is not None and not doc_file.is_file():
        if (Path(sources_dir) / docs[0]["file"]).is_file():
            doc_file = None  # already in the sources directory
        else:
            raise FileNotFoundError(
                f"{proposal}: its document file {docs[0]['file']!r} is neither beside it nor in "
                f"{sources_dir}; keep the ID.txt that `chainatlas ingest` wrote next to the "
                "proposal (its quotes are checked against it)")
    check_with(proposal, seeds_dir, sources_dir, doc_file)
    placed: Path | None = None
    text = proposal.read_text(encoding="utf-8")
    if doc_file is not None:
        try:
            Path(sources_dir).mkdir(parents=True, exist_ok=True)
            placed = Path(sources_dir) / doc_file.name
            if placed.resolve() != doc_file.resolve():
                shutil.copy(doc_file, placed)
        except OSError:
            placed = doc_file.resolve()
            text = text.replace(f"file: {doc_file.name}", f"file: {placed}", 1)
    dest = Path(seeds_dir) / "ingested" / proposal.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest, placed
