"""Lineage: where an actor sits, from the flagship chain down to its segment.

浪潮信息 is in 服务器与信息装备, a segment of the key chain 先进计算, which is under the flagship
chain 电子信息: its lineage reads ``电子信息 › 先进计算 › 服务器与信息装备``. Every place that shows
a firm's chains shows this line, so the flagship is never missing.

One text (:data:`LINEAGE`) for a batch of actors; the chain's parents are followed up to two
levels (district chain group → key chain → flagship).

>>> lineage_text([{"name": "电子信息"}, {"name": "先进计算"}, {"name": "服务器与信息装备"}])
'电子信息 › 先进计算 › 服务器与信息装备'
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chainatlas.graph.store import GraphStore

SEP = " › "

LINEAGE = (
    "UNWIND $ids AS aid MATCH (a:Node {id: aid}) "
    "WITH a MATCH (a)-[r]->(x:Node) WHERE type(r) IN ['IN_SEGMENT', 'IN_CHAIN'] "
    "OPTIONAL MATCH (x)-[:SEGMENT_OF]->(sc:Chain) "
    "WITH a, r, x, CASE WHEN x.kind = 'segment' THEN sc ELSE x END AS c "
    "OPTIONAL MATCH (c)-[:SUBCHAIN_OF]->(p:Chain) "
    "OPTIONAL MATCH (p)-[:SUBCHAIN_OF]->(g:Chain) "
    "RETURN a.id AS id, r.role AS role, r.basis AS basis, x.kind AS kind, x.id AS x_id, "
    "x.name AS x_name, x.basis AS x_basis, c.id AS c_id, c.name AS c_name, c.tier AS c_tier, "
    "c.basis AS c_basis, p.id AS p_id, p.name AS p_name, p.basis AS p_basis, "
    "g.id AS g_id, g.name AS g_name, g.basis AS g_basis"
)
"""For each actor, each segment / chain it is in, with the chain above and up to two parents."""


class Step(BaseModel):
    id: str
    kind: str
    name: str
    basis: str = Field("stated", description="how the chain or segment itself is known")


class Lineage(BaseModel):
    """One place of an actor: flagship › key chain › segment, as steps and as text."""

    steps: list[Step]
    text: str = Field(description="e.g. 电子信息 › 先进计算 › 服务器与信息装备")
    role: str | None = Field(None, description="leader (链主) or member")
    basis: str = Field("stated", description="how the actor's place in it is known")
    flagship: Step | None = Field(None, description="the top chain of the line")


def lineage_text(steps: list[dict[str, Any]] | list[Step]) -> str:
    """The steps' names joined with › ."""
    return SEP.join(s["name"] if isinstance(s, dict) else s.name for s in steps)


def _steps(row: dict[str, Any]) -> list[Step]:
    out: list[Step] = []
    for key, kind in (("g", "chain"), ("p", "chain"), ("c", "chain")):
        if row.get(f"{key}_id"):
            out.append(Step(id=row[f"{key}_id"], kind=kind,
                            name=row.get(f"{key}_name") or row[f"{key}_id"],
                            basis=row.get(f"{key}_basis") or "stated"))
    if row.get("kind") == "segment":
        out.append(Step(id=row["x_id"], kind="segment", name=row.get("x_name") or row["x_id"],
                        basis=row.get("x_basis") or "stated"))
    return out


def lineages(store: GraphStore, ids: list[str], *,
             timeout_ms: int | None = None) -> dict[str, list[Lineage]]:
    """Each actor's lineages (id → list), most specific first, without lines another one
    already contains (being in 先进计算 adds nothing when in 先进计算 › 服务器与信息装备)."""
    if not ids:
        return {}
    found: dict[str, list[Lineage]] = {i: [] for i in ids}
    for row in store.read(LINEAGE, {"ids": list(ids)}, timeout_ms=timeout_ms):
        steps = _steps(row)
        if not steps:
            continue
        found[row["id"]].append(Lineage(steps=steps, text=lineage_text(steps), role=row["role"],
                                        basis=row.get("basis") or "stated", flagship=steps[0]))
    out: dict[str, list[Lineage]] = {}
    for aid, lines in found.items():
        lines.sort(key=lambda ln: (-len(ln.steps), ln.text))
        kept: list[Lineage] = []
        for ln in lines:
            longer = [k for k in kept if k.text == ln.text or k.text.startswith(ln.text + SEP)]
            if not longer:
                kept.append(ln)
            elif ln.role == "leader":
                longer[0].role = "leader"
        out[aid] = sorted(kept, key=lambda ln: ln.text)
    return out
