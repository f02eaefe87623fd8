"""The seed format: pydantic models of every kind a seed YAML file may hold.

A seed file is a mapping whose keys are the plural kind names (``chains``, ``enterprises`` …,
see :data:`SECTIONS`), each a list of items. Links to other nodes are either an id string or a
mapping ``{id, role?, sources?, note?, basis?, reference?}``; a link without its own ``sources``
inherits the sources (and the basis) of the item it belongs to. ``seeds/README.md`` documents
the format with examples.

Every fact says how it is known (:data:`SEED_BASES`): ``stated`` (its quote says it),
``inferred`` (the encoder's reading of its quote; ``note`` says the reasoning) or ``reference``
(domain knowledge without a quote; ``reference`` names where it comes from). The validator
(:mod:`chainatlas.loaders.validate`) enforces the quotes, notes and references.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from chainatlas.graph.model import PROJECT_STATUSES

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


SEED_BASES: tuple[str, ...] = ("stated", "inferred", "reference")
"""The bases a seed fact may have (``rule`` and ``registry`` are reserved for imports, see
:data:`chainatlas.graph.model.BASES`)."""

SeedBasis = Literal["stated", "inferred", "reference"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)


class Source(Strict):
    """A citation: a document id from ``documents`` and a short verbatim quote from it."""

    doc: Id
    quote: Text


class LinkObj(Strict):
    """A link to another node, with an optional role, note, basis and its own sources.

    ``basis`` defaults to the item's basis when the link has no sources of its own (it then
    rests on the item's quotes), else to ``stated``.
    """

    id: Id
    role: Literal["leader", "member"] | None = None
    basis: SeedBasis | None = None
    note: str | None = Field(None, description="remark; for basis inferred: the reasoning")
    reference: str | None = Field(None, description="for basis reference: where it comes from")
    sources: list[Source] = []


Link = Id | LinkObj


def link_id(link: Link) -> str:
    return link if isinstance(link, str) else link.id


class NodeIn(Strict):
    """Fields every node has."""

    id: Id
    name: Text
    aliases: list[Text] = Field([], description="true synonyms only (other names of the actor)")
    keywords: list[Text] = Field([], description="topic words search finds it by (lower rank)")
    name_en: str | None = None
    description: str | None = None
    basis: SeedBasis = "stated"
    note: str | None = Field(None, description="for basis inferred: the reasoning")
    reference: str | None = Field(None, description="for basis reference: where it comes from")
    sources: list[Source] = []


class DocumentIn(Strict):
    id: Id
    name: Text = Field(description="title")
    issuer: str | None = None
    date: str | None = None
    number: str | None = None
    file: str | None = None
    note: str | None = None
    aliases: list[Text] = []
    name_en: str | None = None


class SegmentIn(Strict):
    id: Id
    name: Text
    aliases: list[Text] = []
    keywords: list[Text] = []
    name_en: str | None = None
    description: str | None = None
    stage: Literal["upstream", "midstream", "downstream", "support"]
    order: int | None = Field(None, description="position in the chain; default: list order")
    basis: SeedBasis = "stated"
    note: str | None = Field(None, description="for basis inferred: the reasoning")
    reference: str | None = Field(None, description="for basis reference: the industry reference")
    feeds: list[Link] = Field([], description="segments this one is upstream of")
    sources: list[Source] = []


class ChainIn(NodeIn):
    tier: Literal["flagship", "key", "district"]
    order: int | None = Field(None, description="position in the official list (专栏1)")
    parent: Id | None = None
    district: Id | None = None
    derived: bool = False
    results: str | None = Field(None, description="建成成果 text")
    tasks: str | None = Field(None, description="tasks and targets text")
    segments: list[SegmentIn] = []


class DistrictIn(NodeIn):
    level: Literal["city", "district", "county", "zone", "province"]
    parent: Id | None = None


class EnterpriseIn(NodeIn):
    local: bool = Field(True, description="false for firms outside Jinan")
    location: str | None = Field(None, description="where a non-local firm is based")
    tags: list[Text] = []
    district: Link | None = None
    chains: list[Link] = Field([], description="chains or segments, role leader/member")
    parks: list[Link] = []
    clusters: list[Link] = []
    member_of: list[Link] = Field([], description="alliances, associations")
    partners: list[Link] = []
    supplies: list[Link] = []


class PlatformIn(NodeIn):
    type: str | None = None
    level: str | None = None
    district: Link | None = None
    parks: list[Link] = []
    serves: list[Link] = []
    operators: list[Link] = []
    partners: list[Link] = []


class ParkIn(NodeIn):
    type: str | None = None
    district: Link | None = None
    serves: list[Link] = []
    operators: list[Link] = []


class ClusterIn(NodeIn):
    level: str | None = None
    recognised_by: str | None = None
    district: Link | None = None
    serves: list[Link] = []


class AgencyIn(NodeIn):
    type: str | None = None
    level: str | None = None
    district: Link | None = None
    oversees: list[Link] = []
    member_of: list[Link] = []
    partners: list[Link] = []


class PersonIn(NodeIn):
    title: str | None = None
    heads: list[Link] = []
    chief_of: list[Link] = []


class ProjectIn(NodeIn):
    status: Literal[PROJECT_STATUSES] | None = None  # type: ignore[valid-type]
    year: int | None = None
    district: Link | None = None
    parks: list[Link] = []
    owners: list[Link] = Field([], description="enterprises / agencies / platforms")
    chains: list[Link] = []


class PolicyIn(NodeIn):
    number: str | None = None
    year: int | None = None
    issuers: list[Link] = []
    applies_to: list[Link] = []


class MetricIn(Strict):
    id: Id
    subject: Link
    indicator: Text
    value: float | None = None
    unit: str | None = None
    year: int | None = None
    kind: Literal["result", "target"] = "result"
    scope: str | None = None
    text: str | None = None
    name: str | None = None
    basis: SeedBasis = "stated"
    note: str | None = Field(None, description="for basis inferred: the reasoning")
    reference: str | None = Field(None, description="for basis reference: where it comes from")
    sources: list[Source] = []

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        if isinstance(v, str):
            raise ValueError("value must be a number (put the unit in `unit`)")
        return v


class RelationIn(Strict):
    """Any relationship of the model not covered by a field above."""

    from_: Id = Field(alias="from")
    type: str
    to: Id
    role: Literal["leader", "member"] | None = None
    basis: SeedBasis = "stated"
    note: str | None = Field(None, description="remark; for basis inferred: the reasoning")
    reference: str | None = Field(None, description="for basis reference: where it comes from")
    sources: list[Source] = []


class PresenceIn(Strict):
    """A document statement that a segment (or a key chain) exists, is weak or is missing in
    Jinan or one district (``seeds/segment_evidence.yaml``, section ``presence``).

    Becomes ``(:District {id: scope})-[:PRESENCE {says, basis, …}]->(:Segment|:Chain)``.

    >>> PresenceIn(segment="ic-design", says="present",
    ...            sources=[Source(doc="d", quote="q")]).scope
    'jinan'
    """

    segment: Id = Field(description="a segment id, or a key / district chain id")
    scope: Id = Field("jinan", description="district id the statement is about (default: city)")
    says: Literal["present", "weak", "missing"]
    basis: SeedBasis = "stated"
    note: str | None = Field(None, description="for basis inferred: the reasoning")
    reference: str | None = Field(None, description="for basis reference: where it comes from")
    sources: list[Source] = []


class SegmentKeywordsIn(Strict):
    """Words that place a chain-level actor in a segment by its own name or tags
    (section ``segment_keywords``): e.g. 制药 for 药品与医疗器械生产. Stored as the segment's
    ``keywords``; a match is evidence with basis ``rule`` naming the word."""

    segment: Id
    keywords: list[Text]


SECTIONS: dict[str, type[BaseModel]] = {
    "documents": DocumentIn,
    "districts": DistrictIn,
    "chains": ChainIn,
    "enterprises": EnterpriseIn,
    "platforms": PlatformIn,
    "parks": ParkIn,
    "clusters": ClusterIn,
    "agencies": AgencyIn,
    "persons": PersonIn,
    "projects": ProjectIn,
    "policies": PolicyIn,
    "metrics": MetricIn,
    "relations": RelationIn,
    "presence": PresenceIn,
    "segment_keywords": SegmentKeywordsIn,
}
"""Top-level keys of a seed file and the model of their items."""

SECTION_KIND: dict[str, str] = {
    "documents": "document",
    "districts": "district",
    "chains": "chain",
    "enterprises": "enterprise",
    "platforms": "platform",
    "parks": "park",
    "clusters": "cluster",
    "agencies": "agency",
    "persons": "person",
    "projects": "project",
    "policies": "policy",
    "metrics": "metric",
}


@dataclass(slots=True)
class Fact:
    """How one fact (a node, a link or a relation) is known, after inheritance (a plain
    dataclass: built for every node and link of a load, from already validated items).

    >>> owner = EnterpriseIn(id="a", name="A", basis="inferred", note="reading",
    ...                      sources=[Source(doc="d", quote="q")])
    >>> fact_of_link("x", owner).basis, fact_of_link("x", owner).note
    ('inferred', 'reading')
    >>> fact_of_link(LinkObj(id="x", sources=[Source(doc="d", quote="r")]), owner).basis
    'stated'
    """

    basis: str = "stated"
    note: str | None = None
    reference: str | None = None
    sources: list[Source] = dataclass_field(default_factory=list)


def fact_of(model: BaseModel) -> Fact:
    """The basis, note, reference and sources of an item itself (documents: ``stated``)."""
    if isinstance(model, DocumentIn):
        return Fact()
    basis = getattr(model, "basis", "stated") or "stated"
    return Fact(basis=basis, note=getattr(model, "note", None),
                reference=getattr(model, "reference", None),
                sources=list(getattr(model, "sources", []) or []))


def fact_of_link(link: Link, owner: BaseModel) -> Fact:
    """The fact of a link of ``owner``: its own sources and basis, or the owner's."""
    own = fact_of(owner)
    if isinstance(link, str):
        return own
    if link.sources:
        return Fact(basis=link.basis or "stated", note=link.note, reference=link.reference,
                    sources=list(link.sources))
    basis = link.basis or own.basis
    note = link.note or (own.note if basis == own.basis else None)
    return Fact(basis=basis, note=note, reference=link.reference or own.reference,
                sources=own.sources)
