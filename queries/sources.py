"""Sources: the documents, and what the graph cites from each (nodes and relationships).

Nodes and relationships store their citations as parallel lists ``source_docs`` /
``source_quotes``; these texts find everything citing one document and pair each with its quotes.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from chainatlas.graph.model import REL_TYPES
from chainatlas.graph.store import GraphStore
from chainatlas.queries.models import Basis, GraphNode, basis_of, node_from_props

DOCUMENTS = "MATCH (d:Document) RETURN properties(d) AS props ORDER BY d.id"
"""Which source documents does the graph hold?"""

NODE_CITATIONS = (
    "MATCH (n:Node) WHERE n.source_docs IS NOT NULL "
    "UNWIND n.source_docs AS doc RETURN doc, count(DISTINCT n) AS nodes"
)
"""How many nodes cite each document?"""

REL_CITATIONS = (
    "MATCH ()-[r]->() WHERE type(r) IN $types AND r.source_docs IS NOT NULL "
    "UNWIND r.source_docs AS doc RETURN doc, count(*) AS relationships"
)
"""How many relationships (other than MENTIONS) cite each document?"""

NODES_CITING = (
    "MATCH (n:Node) WHERE $doc IN n.source_docs "
    "RETURN n.id AS id, n.kind AS kind, n.name AS name, n.source_docs AS docs, "
    "n.source_quotes AS quotes, n.basis AS basis, n.basis_note AS basis_note, "
    "n.reference AS reference ORDER BY kind, id"
)
"""Which nodes cite this document, with their quotes?"""

RELS_CITING = (
    "MATCH (a:Node)-[r]->(b:Node) WHERE type(r) IN $types AND $doc IN r.source_docs "
    "RETURN a.id AS source, a.name AS source_name, type(r) AS type, b.id AS target, "
    "b.name AS target_name, r.source_docs AS docs, r.source_quotes AS quotes, "
    "r.basis AS basis, r.basis_note AS basis_note, r.reference AS reference "
    "ORDER BY type, source, target"
)
"""Which relationships cite this document, with their quotes?"""

CITED_TYPES = [t for t in REL_TYPES if t != "MENTIONS"]


class DocumentSummary(Basis):
    id: str
    name: str
    issuer: str | None = None
    date: str | None = None
    number: str | None = None
    file: str | None = None
    nodes: int = Field(0, description="nodes citing it")
    relationships: int = Field(0, description="relationships citing it")


class NodeCitation(Basis):
    id: str
    kind: str
    name: str
    quotes: list[str]


class RelCitation(Basis):
    source: str
    source_name: str | None = None
    type: str
    target: str
    target_name: str | None = None
    quotes: list[str]


class DocumentCitations(BaseModel):
    document: GraphNode
    nodes: list[NodeCitation]
    relationships: list[RelCitation]


def _quotes(doc: str, docs: list[str] | None, quotes: list[str] | None) -> list[str]:
    """The quotes of ``doc`` among parallel lists.

    >>> _quotes("a", ["a", "b", "a"], ["x", "y", "z"])
    ['x', 'z']
    """
    return list(dict.fromkeys(q for d, q in zip(docs or [], quotes or [], strict=False)
                              if d == doc))


def list_documents(store: GraphStore, *, timeout_ms: int | None = None) -> list[DocumentSummary]:
    """Which documents are cited, and how many nodes and relationships cite each?"""
    n = Counter({r["doc"]: r["nodes"] for r in store.read(NODE_CITATIONS, {},
                                                          timeout_ms=timeout_ms)})
    m = Counter({r["doc"]: r["relationships"] for r in store.read(
        REL_CITATIONS, {"types": CITED_TYPES}, timeout_ms=timeout_ms)})
    out = []
    for r in store.read(DOCUMENTS, {}, timeout_ms=timeout_ms):
        p = r["props"]
        out.append(DocumentSummary(id=p["id"], name=p.get("name") or p["id"],
                                   issuer=p.get("issuer"), date=_str(p.get("date")),
                                   number=p.get("number"), file=p.get("file"),
                                   nodes=n[p["id"]], relationships=m[p["id"]],
                                   **basis_of(p)))
    return out


def _str(v: object) -> str | None:
    return None if v is None else str(v)


def document_citations(store: GraphStore, doc: str, *,
                       timeout_ms: int | None = None) -> DocumentCitations | None:
    """What does the graph cite from this document (nodes and relationships, with quotes)?"""
    rows = store.read("MATCH (d:Document {id: $id}) RETURN properties(d) AS props", {"id": doc},
                      timeout_ms=timeout_ms)
    if not rows:
        return None
    props = dict(rows[0]["props"])
    if props.get("date") is not None:
        props["date"] = str(props["date"])
    nodes = [NodeCitation(id=r["id"], kind=r["kind"], name=r["name"] or r["id"],
                          quotes=_quotes(doc, r["docs"], r["quotes"]), **basis_of(r))
             for r in store.read(NODES_CITING, {"doc": doc}, timeout_ms=timeout_ms)]
    rels = [RelCitation(source=r["source"], source_name=r["source_name"], type=r["type"],
                        target=r["target"], target_name=r["target_name"],
                        quotes=_quotes(doc, r["docs"], r["quotes"]), **basis_of(r))
            for r in store.read(RELS_CITING, {"doc": doc, "types": CITED_TYPES},
                                timeout_ms=timeout_ms)]
    return DocumentCitations(document=node_from_props(props), nodes=nodes, relationships=rels)
