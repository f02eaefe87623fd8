"""The ChainAtlas graph model: node kinds, relationship types and their properties.

One place that says what the graph can hold; the loader, the queries and the API all read it.

Every node carries the labels ``Node`` and its kind label (e.g. ``:Node:Enterprise``) and the
properties in :data:`COMMON_NODE_PROPS`. Sources are stored as two parallel string lists,
``source_docs`` and ``source_quotes`` (both stores only accept primitive lists as property
values); :func:`sources_of` turns them back into ``[{doc, quote}]``.

>>> NODE_KINDS["enterprise"].label
'Enterprise'
>>> label_to_kind("Segment")
'segment'
>>> sorted(REL_TYPES["IN_SEGMENT"].targets)
['Segment']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BASE_LABEL = "Node"
"""Label every node carries, so that ``MATCH (n:Node {id: $id})`` uses one unique index."""

COMMON_NODE_PROPS: tuple[str, ...] = (
    "id",  # stable ASCII id, usable in URLs
    "kind",  # the kind key, e.g. "enterprise"
    "name",  # Chinese name
    "aliases",  # other names (list)
    "name_en",  # English name where known
    "description",
    "source_docs",  # parallel list with source_quotes
    "source_quotes",
    "search_keys",  # lower-cased name, aliases, English name, pinyin, initials (for search)
    "keywords",  # topic words (not synonyms; list, may be empty)
    "keyword_keys",  # their search keys (search ranks them below name / alias matches)
    "basis",  # how the fact is known, one of BASES
    "basis_note",  # for basis inferred: the reasoning; for rule: the rule matched
    "reference",  # for basis reference: where the knowledge comes from
    "source_spans",  # parallel with source_quotes: "start-end" offsets in the document ("" unknown)
)

BASES: tuple[str, ...] = ("stated", "inferred", "reference", "rule", "registry")
"""How a fact (node or relationship) is known — the string property ``basis`` of every node
and every relationship:

* ``stated``: a source quote says it;
* ``inferred``: the encoder's reading of a quote, ``basis_note`` says the reasoning;
* ``reference``: domain knowledge without a quote, ``reference`` names where it comes from;
* ``rule``: placed by a matching rule of an import (``basis_note`` names the rule matched);
* ``registry``: a record of an imported register (e.g. enterprise registry).

Seeds may use the first three (:data:`chainatlas.loaders.schema.SEED_BASES`); ``rule`` and
``registry`` are reserved for imports."""

DOC_BASES: list[str] = ["stated", "inferred", "reference"]
"""The bases a node of the document graph (the seeds) can have; a registry firm has
``registry``. Queries pass it as ``$doc_bases`` so that ``n.basis IN $doc_bases`` is served by
the ``Node.basis`` index and visits the few hundred document nodes, never a million firms."""

COMMON_REL_PROPS: tuple[str, ...] = (
    "basis", "basis_note", "reference", "source_docs", "source_quotes", "source_spans",
)
"""Properties every relationship may carry (``basis`` always)."""


@dataclass(frozen=True)
class NodeKind:
    """A kind of node: its key (used in the API and seeds), label and specific properties."""

    key: str
    label: str
    zh: str
    plural: str
    props: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class RelType:
    """A relationship type with the labels it may join and its specific properties."""

    name: str
    sources: frozenset[str]
    targets: frozenset[str]
    zh: str
    props: tuple[str, ...] = ()
    doc: str = ""
    symmetric: bool = False


def _k(key: str, label: str, zh: str, plural: str, props: tuple[str, ...] = (), doc: str = ""):
    return NodeKind(key, label, zh, plural, props, doc)


NODE_KINDS: dict[str, NodeKind] = {
    k.key: k
    for k in [
        _k("chain", "Chain", "产业链", "chains",
           ("tier", "derived", "results", "tasks"),
           "A chain: tier flagship (标志性) / key (重点) / district (区县链群)."),
        _k("segment", "Segment", "环节", "segments",
           ("stage", "order", "chain_id"),
           "A segment (环节) of a chain; stage upstream/midstream/downstream/support; order."),
        _k("enterprise", "Enterprise", "企业", "enterprises",
           ("local", "tags"), "An enterprise; local=false for firms outside Jinan."),
        _k("platform", "Platform", "平台", "platforms", ("type", "level"),
           "Lab, institute, pilot or proof-of-concept platform, compute centre, service platform."),
        _k("park", "Park", "园区", "parks", ("type",), "Park or carrier: 产业园, 基地, 科创城."),
        _k("cluster", "Cluster", "产业集群", "clusters", ("level", "recognised_by"),
           "An industrial cluster with the level and body that recognised it."),
        _k("district", "District", "区县", "districts", ("level",),
           "The city, a district/county or a functional zone (level city/district/county/zone)."),
        _k("agency", "Agency", "机构", "agencies", ("type", "level"),
           "Bureau, industry office, alliance, task force, state-owned group acting as agency."),
        _k("person", "Person", "人物", "persons", ("title",), "An official."),
        _k("project", "Project", "项目", "projects", ("status", "year"),
           "A project with status signed/started/under_construction/in_production/planned."),
        _k("policy", "Policy", "政策", "policies", ("number", "year"), "A policy or measure."),
        _k("metric", "Metric", "指标", "metrics",
           ("indicator", "value", "unit", "year", "metric_kind", "scope", "text"),
           "A figure: value, unit, year, kind result/target, scope."),
        _k("document", "Document", "文献", "documents", ("issuer", "date", "number", "file"),
           "A source document."),
    ]
}

LABEL_TO_KIND: dict[str, str] = {k.label: k.key for k in NODE_KINDS.values()}
ALL_LABELS: tuple[str, ...] = tuple(LABEL_TO_KIND)

SEARCH_INDEXES: tuple[tuple[str, str], ...] = (
    (BASE_LABEL, "basis"),
    ("Enterprise", "key_name"),
    ("Enterprise", "key_pinyin"),
    ("Enterprise", "key_initials"),
)
"""Range indexes for search at scale (both stores): ``Node.basis`` lets the substring search
visit only the document graph (``basis IN [stated, inferred, reference]``), and a registry
firm's scalar name keys (name without legal form, its pinyin, its initials) answer exact lookups
(``=`` / ``IN``) from an index instead of a scan of millions (prefixes and mid-name substrings:
:data:`TEXT_INDEX`)."""

TEXT_INDEX: tuple[str, str] = ("Enterprise", "key_grams")
"""The full-text index of registry firms (both stores): name bigrams and prefix tokens written
by the import (:mod:`chainatlas.graph.textkeys`). Search asks it for prefix and mid-name
candidates; unlike a range index it stops at ``LIMIT``, so a broad input stays fast."""

_ACTORS = frozenset({"Enterprise", "Platform", "Park", "Cluster", "Project", "Agency"})
_CHAINISH = frozenset({"Chain", "Segment"})
_ANY = frozenset(ALL_LABELS)


def _r(name, sources, targets, zh, props=(), doc="", symmetric=False):
    return RelType(name, frozenset(sources), frozenset(targets), zh, tuple(props), doc, symmetric)


REL_TYPES: dict[str, RelType] = {
    r.name: r
    for r in [
        _r("SUBCHAIN_OF", {"Chain"}, {"Chain"}, "下属产业链", doc="key chain under flagship chain"),
        _r("SEGMENT_OF", {"Segment"}, {"Chain"}, "环节属于", doc="segment of a chain"),
        _r("UPSTREAM_OF", {"Segment"}, {"Segment"}, "上游", doc="segment upstream of segment"),
        _r("IN_CHAIN", _ACTORS, {"Chain"}, "属于产业链", ("role",),
           "actor in a chain; role leader (链主) or member"),
        _r("IN_SEGMENT", _ACTORS, {"Segment"}, "属于环节", ("role",),
           "actor in a segment; role leader (链主) or member"),
        _r("LOCATED_IN", _ACTORS | {"District", "Chain", "Person"}, {"District", "Park"}, "位于",
           doc="actor in a district or park; district in the city"),
        _r("SERVES", {"Platform", "Park", "Cluster", "Agency"}, _CHAINISH, "服务",
           doc="platform / park / cluster serves a chain or segment"),
        _r("OVERSEES", {"Agency", "District"}, _CHAINISH | {"Park", "Project", "Policy"}, "负责",
           doc="agency or industry office oversees a chain (or is responsible for a task)"),
        _r("CHAIN_CHIEF_OF", {"Person"}, {"Chain"}, "链长", doc="official is chain chief (链长)"),
        _r("HEADS", {"Person"}, {"Agency", "District"}, "负责人", ("title",),
           doc="person heads an agency"),
        _r("PARTNERS_WITH", {"Enterprise", "Platform", "Agency"},
           {"Enterprise", "Platform", "Agency"}, "合作", ("note",),
           "declared cooperation", symmetric=True),
        _r("SUPPLIES", {"Enterprise"}, {"Enterprise"}, "供应", ("product",),
           doc="enterprise supplies enterprise"),
        _r("PROJECT_OF", {"Project"}, {"Enterprise", "Agency", "Platform"}, "项目主体",
           doc="project of an enterprise (or agency / platform)"),
        _r("MEMBER_OF", {"Enterprise", "Platform", "Agency"}, {"Cluster", "Agency", "Park"},
           "成员", doc="member of a cluster, alliance or park"),
        _r("OPERATES", {"Enterprise", "Agency", "Platform"}, {"Platform", "Park", "Project"},
           "运营", doc="builds or operates a platform or park"),
        _r("ISSUED", {"Agency", "District"}, {"Policy"}, "发布", doc="issued a policy"),
        _r("APPLIES_TO", {"Policy"}, _CHAINISH | {"District"}, "适用", doc="policy for a chain"),
        _r("METRIC_OF", {"Metric"}, {"Chain", "District", "Segment", "Cluster", "Park"},
           "指标", doc="figure of a chain / district / the city"),
        _r("PRESENCE", {"District"}, {"Segment", "Chain"}, "环节存在性",
           ("says", "count", "note"),
           "a statement (or a registry count) that a segment or key chain is present, weak or "
           "missing in a district / the city: says present|weak|missing, count (firms, when "
           "counted), basis stated / inferred / registry"),
        _r("MENTIONS", {"Document"}, _ANY, "提及", ("quote",), "document mentions a fact"),
    ]
}

ROLE_LEADER = "leader"
ROLE_MEMBER = "member"
STAGES: tuple[str, ...] = ("upstream", "midstream", "downstream", "support")
TIERS: tuple[str, ...] = ("flagship", "key", "district")
PROJECT_STATUSES: tuple[str, ...] = (
    "planned",
    "signed",
    "started",
    "under_construction",
    "in_production",
    "completed",
)


def label_to_kind(label: str) -> str:
    """Map a label (``Enterprise``) to its kind key (``enterprise``)."""
    return LABEL_TO_KIND[label]


def sources_of(props: dict[str, Any]) -> list[dict[str, str]]:
    """Rebuild ``[{doc, quote}]`` from the stored parallel lists.

    >>> sources_of({"source_docs": ["a"], "source_quotes": ["q"]})
    [{'doc': 'a', 'quote': 'q'}]
    >>> sources_of({})
    []
    >>> sources_of({"source_docs": ["a"], "source_quotes": ["q"], "source_spans": ["3-4"]})
    [{'doc': 'a', 'quote': 'q', 'span': '3-4'}]
    """
    docs = props.get("source_docs") or []
    quotes = props.get("source_quotes") or []
    spans = props.get("source_spans") or []
    out = [{"doc": d, "quote": q} for d, q in zip(docs, quotes, strict=False)]
    for s, span in zip(out, spans, strict=False):
        if span:
            s["span"] = span
    return out


@dataclass
class GraphData:
    """Nodes and relationships ready to be written, grouped by label and type."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def node_count(self) -> int:
        return sum(len(v) for v in self.nodes.values())

    def rel_count(self) -> int:
        return sum(len(v) for v in self.rels.values())
