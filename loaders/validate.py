"""Read a seed directory, validate everything, and report every error at once.

Each error names the file, the line and the field. Nothing here writes to a store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from chainatlas.graph.model import NODE_KINDS, REL_TYPES
from chainatlas.loaders.schema import (
    SECTION_KIND,
    SECTIONS,
    ChainIn,
    DocumentIn,
    Fact,
    Link,
    LinkObj,
    MetricIn,
    PresenceIn,
    RelationIn,
    SegmentIn,
    Source,
    fact_of,
    fact_of_link,
    link_id,
)
from chainatlas.loaders.yaml_lines import (
    YamlSyntaxError,
    line_of,
    parse_yaml_fast,
)


@dataclass(frozen=True, order=True)
class SeedError:
    """One problem in one seed file: ``file:line: field: message``."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class SeedValidationError(ValueError):
    """Raised with every :class:`SeedError` found; nothing has been written."""

    def __init__(self, errors: list[SeedError]) -> None:
        self.errors = sorted(errors)
        super().__init__(f"{len(errors)} seed error(s):\n" + "\n".join(map(str, self.errors)))


@dataclass
class Item:
    """A validated item with where it came from."""

    kind: str  # node kind key, or "relation"
    model: Any
    file: str
    path: tuple[str | int, ...]
    lines: Mapping[tuple[str | int, ...], int]  # a LineMap, or LazyLines worked out on demand
    chain: str | None = None  # for segments: the chain id

    _links: list | None = field(default=None, repr=False, compare=False)

    @property
    def links(self) -> list[tuple[str, int | None, Link]]:
        """:func:`links_of` the item's model, worked out once (validation, the quote check and
        the row builder each walk them)."""
        if self._links is None:
            self._links = links_of(self.model)
        return self._links

    def line(self, *sub: str | int) -> int:
        return line_of(self.lines, (*self.path, *sub))

    def where(self, *sub: str | int) -> str:
        return _fmt_path((*self.path, *sub))


@dataclass
class SeedSet:
    """All validated items of a seed directory, by id."""

    items: list[Item] = field(default_factory=list)
    nodes: dict[str, Item] = field(default_factory=dict)
    relations: list[Item] = field(default_factory=list)
    evidence: list[Item] = field(default_factory=list)
    """``presence`` and ``segment_keywords`` items (seeds/segment_evidence.yaml)."""
    files: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)
    """Ids of items that failed validation, with their kind: links to them are not reported
    again (the item's own error says what to fix)."""


def _fmt_path(path: Iterable[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(file)"


def seed_files(path: Path) -> list[Path]:
    """The YAML files of a seed directory (recursive, sorted), or the one file given.

    ``registry_*.yaml`` (the registry import's rule and links files) are not seed files.
    """
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"No seed file or directory at {path}")
    return sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file()
                  and not p.name.startswith("registry_"))


def _display(file: Path) -> str:
    """The path as the user will recognise it: relative to the working directory if inside."""
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def _pydantic_errors(e: ValidationError, file: str, base: tuple,
                     lines: Mapping[tuple[str | int, ...], int]) -> list[SeedError]:
    out = []
    for err in e.errors():
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x in {"str", "LinkObj"}))
        # union members show up as "function-after[...]" etc.; drop non-field parts
        loc = tuple(x for x in loc if isinstance(x, int) or "[" not in str(x))
        path = (*base, *loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; see seeds/README.md)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        out.append(SeedError(file, line_of(lines, path), _fmt_path(path), msg))
    # a link union reports one error per member: keep one per location
    seen: dict[tuple[int, str], SeedError] = {}
    for x in out:
        seen.setdefault((x.line, x.field), x)
    return list(seen.values())


def read_seeds(path: Path) -> tuple[SeedSet, list[SeedError]]:
    """Parse and validate every seed file under ``path``; return items and errors."""
    seeds = SeedSet()
    errors: list[SeedError] = []
    root = Path(path)
    unreadable = unreadable_files(root)
    errors += unreadable
    for file in seed_files(root):
        name = _display(file)
        seeds.files.append(name)
        data, lines, file_errors = read_seed_file(file, name)
        if file_errors:
            errors += file_errors
            unreadable.append(file_errors[0])
            continue
        if data in (None, {}):
            continue
        if not isinstance(data, dict):
            errors.append(SeedError(name, 1, "(file)", "a seed file is a mapping of sections"))
            continue
        value_errors = check_values(data, name, lines)
        if value_errors:
            errors += value_errors
            continue
        for section, items in data.items():
            model = SECTIONS.get(section)
            if model is None:
                errors.append(SeedError(name, line_of(lines, (section,)), section,
                                        f"unknown section; expected one of {', '.join(SECTIONS)}"))
                continue
            if not isinstance(items, list):
                errors.append(SeedError(name, line_of(lines, (section,)), section,
                                        "a section is a list of items (`- id: ...`)"))
                continue
            for i, raw in enumerate(items):
                base = (section, i)
                try:
                    obj: BaseModel = model.model_validate(raw)
                except ValidationError as e:
                    errors += _pydantic_errors(e, name, base, lines)
                    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                        seeds.invalid[raw["id"]] = SECTION_KIND.get(section, "relation")
                    continue
                kind = EVIDENCE_SECTIONS.get(section) or SECTION_KIND.get(section, "relation")
                item = Item(kind, obj, name, base, lines)
                seeds.items.append(item)
                if isinstance(obj, ChainIn):
                    for j, seg in enumerate(obj.segments):
                        seeds.items.append(
                            Item("segment", seg, name, (*base, "segments", j), lines, obj.id))
    if not unreadable:
        # a file that could not be read at all would make every link into it "unknown":
        # report the file once, not a cascade of "no node with id"
        errors += check_references(seeds)
    return seeds, errors


# --- limits on untrusted input -----------------------------------------------------------------

MAX_SEED_BYTES = 20 * 2**20
"""Largest seed file read (20 MB: a 30,000-firm synthetic set is 7 MB)."""
MAX_NAME_CHARS = 200
"""Longest name, English name or alias."""
_NAME_FIELDS = {"name", "name_en", "aliases", "id"}


def unreadable_files(root: Path) -> list[SeedError]:
    """Paths named like seed files that are not files (e.g. a directory ``chains.yaml``)."""
    if not root.is_dir():
        return []
    return [SeedError(_display(p), 1, "(file)", "is a directory, not a YAML file (rename it)")
            for p in sorted(root.rglob("*")) if p.suffix in {".yaml", ".yml"} and p.is_dir()]


def read_seed_file(file: Path, name: str) -> tuple[Any, Mapping, list[SeedError]]:
    """Parse one seed file; a file that cannot be read is one error, with its line.

    The line map is worked out only when an error asks for it (:func:`parse_yaml_fast`)."""
    try:
        size = file.stat().st_size
        if size > MAX_SEED_BYTES:
            return None, {}, [SeedError(name, 1, "(file)", f"file is {size / 2**20:.1f} MB; a "
                                        f"seed file may be at most {MAX_SEED_BYTES // 2**20} MB "
                                        "(split it)")]
        raw = file.read_bytes()
    except OSError as e:
        return None, {}, [SeedError(name, 1, "(file)", f"cannot read it: {e.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, {}, [SeedError(name, raw.count(b"\n", 0, e.start) + 1, "(file)",
                                    "not UTF-8 text (save the file as UTF-8; GBK is not read)")]
    try:
        data, lines = parse_yaml_fast(text, name)
    except YamlSyntaxError as e:
        return None, {}, [SeedError(name, e.line, "(yaml)", str(e))]
    return data, lines, []


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters a seed text may not hold (tab, line feed and carriage return may)."""


def check_values(data: Any, file: str, lines: Mapping[tuple[str | int, ...], int],
                 path: tuple[str | int, ...] = ()) -> list[SeedError]:
    """Values no store can hold or no reader wants: NaN/infinite numbers, control characters
    (NUL included), over-long names and aliases.

    >>> check_values({"metrics": [{"value": float("nan"), "name": "a\\x00b"}]}, "m.yaml", {})
    ... # doctest: +NORMALIZE_WHITESPACE
    [SeedError(file='m.yaml', line=1, field='metrics[0].value',
               message='not a number (NaN or infinite); write a finite number'),
     SeedError(file='m.yaml', line=1, field='metrics[0].name',
               message='control character (e.g. NUL) in the text; remove it')]
    """
    out: list[SeedError] = []

    def leaf(value: Any, p: tuple[str | int, ...]) -> None:
        if isinstance(value, float) and (value != value or value in (float("inf"),
                                                                       float("-inf"))):
            out.append(SeedError(file, line_of(lines, p), _fmt_path(p),
                                 "not a number (NaN or infinite); write a finite number"))
        elif isinstance(value, str):
            if _CONTROL.search(value):
                out.append(SeedError(file, line_of(lines, p), _fmt_path(p),
                                     "control character (e.g. NUL) in the text; remove it"))
            field = next((x for x in reversed(p) if isinstance(x, str)), "")
            if field in _NAME_FIELDS and len(value) > MAX_NAME_CHARS:
                out.append(SeedError(file, line_of(lines, p), _fmt_path(p),
                                     f"{len(value)} characters; a name, alias or id may have at "
                                     f"most {MAX_NAME_CHARS}"))

    def suspect(v: Any) -> bool:
        """Whether :func:`leaf` could find anything (the common value is passed over without
        building its path)."""
        if isinstance(v, str):
            return len(v) > MAX_NAME_CHARS or _CONTROL.search(v) is not None
        return isinstance(v, float) and (v != v or v in (float("inf"), float("-inf")))

    def visit(value: Any, p: tuple[str | int, ...]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, dict | list):
                    visit(v, (*p, str(k)))
                elif suspect(v):
                    leaf(v, (*p, str(k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, dict | list):
                    visit(v, (*p, i))
                elif suspect(v):
                    leaf(v, (*p, i))
        else:
            leaf(value, p)

    visit(data, path)
    return out


# --- cross-file checks ----------------------------------------------------------------------

LINK_FIELDS: dict[str, tuple[str, ...]] = {
    # field -> kinds the target may be
    "district": ("district",),
    "parks": ("park",),
    "clusters": ("cluster",),
    "member_of": ("agency", "cluster", "park"),
    "partners": ("enterprise", "platform", "agency"),
    "supplies": ("enterprise",),
    "serves": ("chain", "segment"),
    "operators": ("enterprise", "agency", "platform"),
    "oversees": ("chain", "segment", "park", "project", "policy"),
    "heads": ("agency", "district"),
    "chief_of": ("chain",),
    "owners": ("enterprise", "agency", "platform"),
    "chains": ("chain", "segment"),
    "issuers": ("agency", "district"),
    "applies_to": ("chain", "segment", "district"),
    "subject": ("chain", "district", "segment", "cluster", "park"),
    "feeds": ("segment",),
}


_LINK_FIELDS_OF: dict[type, tuple[str, ...]] = {}


def _link_fields(cls: type) -> tuple[str, ...]:
    """The :data:`LINK_FIELDS` a model class has, in that order (a chain's ``chains`` is not
    one: a chain has no such field)."""
    names = _LINK_FIELDS_OF.get(cls)
    if names is None:
        fields = getattr(cls, "model_fields", {})
        names = _LINK_FIELDS_OF[cls] = tuple(
            n for n in LINK_FIELDS if n in fields and not (n == "chains" and cls is ChainIn))
    return names


def links_of(model: BaseModel) -> list[tuple[str, int | None, Link]]:
    """Every ``(field, index, link)`` of an item (index None for single links)."""
    out: list[tuple[str, int | None, Link]] = []
    for name in _link_fields(type(model)):
        value = getattr(model, name)
        if value is None:
            continue
        if isinstance(value, list):
            out += [(name, i, v) for i, v in enumerate(value)]
        elif isinstance(value, str | LinkObj):
            out.append((name, None, value))
    return out


def _names(item: Item) -> list[str]:
    m = item.model
    names = [m.name, *getattr(m, "aliases", [])]
    return [n for n in names if n]


def sources_with_paths(item: Item) -> list[tuple[tuple, Source]]:
    m = item.model
    out = [(("sources", i), s) for i, s in enumerate(getattr(m, "sources", []) or [])]
    for fname, idx, link in item.links:
        if isinstance(link, LinkObj):
            sub = (fname,) if idx is None else (fname, idx)
            out += [((*sub, "sources", i), s) for i, s in enumerate(link.sources)]
    return out


def check_references(seeds: SeedSet) -> list[SeedError]:
    """Duplicate ids, shared names/aliases, dangling links, unknown documents, chain rules."""
    errors: list[SeedError] = []

    def err(item: Item, sub: tuple, msg: str) -> None:
        errors.append(SeedError(item.file, item.line(*sub), item.where(*sub), msg))

    for item in seeds.items:
        if item.kind == "relation":
            seeds.relations.append(item)
            continue
        if item.kind in EVIDENCE_KINDS:
            seeds.evidence.append(item)
            continue
        first = seeds.nodes.get(item.model.id)
        if first is not None:
            err(item, ("id",), f"duplicate id {item.model.id!r} (first at {first.file}:"
                               f"{first.line('id')})")
            continue
        seeds.nodes[item.model.id] = item

    # one name or alias, one node (metrics have no names of their own)
    claimed: dict[str, Item] = {}
    for item in seeds.nodes.values():
        if item.kind in {"metric", "document"}:
            continue
        for n in dict.fromkeys(_names(item)):
            key = n.casefold()
            other = claimed.get(key)
            if other is not None and other is not item:
                err(item, ("aliases",) if n != item.model.name else ("name",),
                    f"name or alias {n!r} is already used by {other.model.id!r} "
                    f"({other.file}:{other.line('id')}); one actor, one node: merge them")
            else:
                claimed[key] = item

    docs = {i for i, it in seeds.nodes.items() if it.kind == "document"}
    for item in seeds.items:
        if item.kind == "relation" or item.kind in EVIDENCE_KINDS:
            continue
        for sub, src in sources_with_paths(item):
            if src.doc not in docs:
                err(item, (*sub, "doc"), f"unknown document {src.doc!r}; known: {sorted(docs)}")
        for fname, idx, link in item.links:
            target = seeds.nodes.get(link_id(link))
            sub = (fname,) if idx is None else (fname, idx)
            allowed = LINK_FIELDS[fname]
            if isinstance(item.model, MetricIn | SegmentIn | ChainIn) and fname == "district":
                allowed = ("district",)
            if target is None and link_id(link) in seeds.invalid:
                continue  # that item has its own error
            if target is None:
                err(item, sub, f"no node with id {link_id(link)!r} (expected kind: "
                               f"{_kinds(allowed)})")
            elif target.kind not in allowed:
                err(item, sub, f"{link_id(link)!r} is of kind {target.kind}; this field takes "
                               f"{_kinds(allowed)}")
        m = item.model
        if isinstance(m, ChainIn):
            _check_chain(item, seeds, err)
        if not isinstance(m, DocumentIn):
            _check_basis(item, (), fact_of(m), err)
            for fname, idx, link in item.links:
                if isinstance(link, LinkObj):
                    sub = (fname,) if idx is None else (fname, idx)
                    _check_basis(item, sub, fact_of_link(link, m), err)
        for parent_field in ("parent",):
            pid = getattr(m, parent_field, None)
            if pid and item.kind in {"chain", "district"}:
                target = seeds.nodes.get(pid)
                if target is None or target.kind != item.kind:
                    err(item, (parent_field,), f"no {item.kind} with id {pid!r}")

    for rel in seeds.relations:
        _check_relation(rel, seeds, docs, err)
    _check_evidence(seeds, docs, err)
    return errors


EVIDENCE_SECTIONS = {"presence": "presence", "segment_keywords": "segment_keywords"}
EVIDENCE_KINDS = frozenset(EVIDENCE_SECTIONS.values())


def _check_evidence(seeds: SeedSet, docs: set[str], err) -> None:
    """``presence``: a segment or key / district chain, a district scope, known documents,
    one statement per (scope, segment); ``segment_keywords``: a segment."""
    seen: dict[tuple[str, str], Item] = {}
    for item in seeds.evidence:
        m = item.model
        target = seeds.nodes.get(m.segment)
        if isinstance(m, PresenceIn):
            if target is None or target.kind not in {"segment", "chain"}:
                err(item, ("segment",), f"no segment or chain with id {m.segment!r}")
            elif target.kind == "chain" and target.model.tier == "flagship":
                err(item, ("segment",), f"{m.segment!r} is a flagship chain: state presence "
                                        "of its segments or key chains")
            scope = seeds.nodes.get(m.scope)
            if scope is None or scope.kind != "district":
                err(item, ("scope",), f"no district with id {m.scope!r}")
            for i, s in enumerate(m.sources):
                if s.doc not in docs:
                    err(item, ("sources", i, "doc"), f"unknown document {s.doc!r}")
            first = seen.get((m.scope, m.segment))
            if first is not None:
                err(item, ("segment",), f"a second statement about {m.segment!r} in "
                    f"{m.scope!r} (first at {first.file}:{first.line('segment')}): one per "
                    "scope and segment — put both quotes in one item's `sources`")
            seen[(m.scope, m.segment)] = item
            _check_basis(item, (), fact_of(m), err)
        elif target is None or target.kind != "segment":
            err(item, ("segment",), f"no segment with id {m.segment!r}")


def _kinds(kinds: tuple[str, ...]) -> str:
    """``enterprise, platform or agency``."""
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"


def _check_chain(item: Item, seeds: SeedSet, err) -> None:
    m: ChainIn = item.model
    if m.tier == "key" and not m.parent:
        err(item, ("parent",), "a key chain names its flagship chain in `parent`")
    if m.tier == "district" and not m.district:
        err(item, ("district",), "a district chain group names its `district`")
    orders: dict[int, int] = {}
    for j, seg in enumerate(m.segments):
        order = seg.order if seg.order is not None else j + 1
        if order in orders:
            err(item, ("segments", j, "order"),
                f"order {order} already used by segment {orders[order] + 1} of this chain")
        orders[order] = j


def _check_relation(rel: Item, seeds: SeedSet, docs: set[str], err) -> None:
    m: RelationIn = rel.model
    spec = REL_TYPES.get(m.type)
    if spec is None:
        err(rel, ("type",), f"unknown relationship type {m.type!r}; one of {sorted(REL_TYPES)}")
        return
    for end, key, allowed in (("from", m.from_, spec.sources), ("to", m.to, spec.targets)):
        target = seeds.nodes.get(key)
        if target is None and key in seeds.invalid:
            continue
        if target is None:
            err(rel, (end,), f"no node with id {key!r}")
        elif NODE_KINDS[target.kind].label not in allowed:
            err(rel, (end,), f"{m.type} cannot {'start' if end == 'from' else 'end'} at a "
                             f"{target.kind}; allowed: {sorted(allowed)}")
    for i, s in enumerate(m.sources):
        if s.doc not in docs:
            err(rel, ("sources", i, "doc"), f"unknown document {s.doc!r}")
    _check_basis(rel, (), fact_of(m), err)


def _check_basis(item: Item, sub: tuple, fact: Fact, err) -> None:
    """``stated`` / ``inferred`` need a quote, ``inferred`` a note, ``reference`` a reference."""
    what = "this link" if sub else "this fact"
    if fact.basis in {"stated", "inferred"} and not fact.sources:
        err(item, (*sub, "sources"),
            f"{what} has basis {fact.basis} but no source quote (own or inherited): add "
            "`sources: [{doc, quote}]`, or set `basis: reference` with a `reference`")
    if fact.basis == "inferred" and not (fact.note or "").strip():
        err(item, (*sub, "note"),
            f"{what} has basis inferred: say the reasoning in `note` (what the quote says and "
            "what was read into it)")
    if fact.basis == "reference" and not (fact.reference or "").strip():
        err(item, (*sub, "reference"),
            f"{what} has basis reference: name where it comes from in `reference`")
