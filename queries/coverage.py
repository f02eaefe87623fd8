"""What the loaded seeds cover: counts per kind, per chain and per district, and the gaps.

``coverage_report(store)`` returns a plain dict (JSON-ready); ``print_coverage(report, console)``
prints it as rich tables. Used by ``chainatlas stats --coverage``.

Every query is read-only Cypher that runs on both FalkorDB and Neo4j: pattern predicates (no
``EXISTS {}``), ``OPTIONAL MATCH`` + ``count()`` (no ``COUNT {}``), projections rather than
whole nodes, and values passed as parameters.

An *actor* is a node of kind enterprise, platform, park, cluster, project or agency. An actor
belongs to a chain when it is linked to the chain or to one of its segments by ``IN_CHAIN``,
``IN_SEGMENT``, ``SERVES`` or ``OVERSEES``. For a flagship chain, ``actors_total`` also counts
the actors of its key chains (``SUBCHAIN_OF``) and their segments.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chainatlas.graph.store import GraphStore

ACTOR_KINDS: list[str] = ["enterprise", "platform", "park", "cluster", "project", "agency"]
CHAIN_LINKS = "IN_CHAIN|IN_SEGMENT|SERVES|OVERSEES"

Q_KINDS = "MATCH (n:Node) RETURN n.kind AS kind, count(n) AS n ORDER BY kind"
Q_RELS = "MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n ORDER BY type"
Q_CHAINS = (
    "MATCH (c:Chain) OPTIONAL MATCH (c)-[:SUBCHAIN_OF]->(p:Chain) "
    "RETURN c.id AS id, c.name AS name, c.name_en AS name_en, c.tier AS tier, "
    "c.derived AS derived, p.id AS parent ORDER BY id"
)
Q_SEGMENTS = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(c:Chain) "
    "RETURN s.id AS id, s.name AS name, s.stage AS stage, s.order AS order, c.id AS chain "
    "ORDER BY chain, order"
)
Q_LINKS = (
    f"MATCH (a:Node)-[r:{CHAIN_LINKS}]->(t:Node) "
    "WHERE a.kind IN $kinds AND (t:Chain OR t:Segment) "
    "RETURN a.id AS actor, a.kind AS kind, t.id AS target, type(r) AS rel, r.role AS role"
)
Q_METRICS = (
    "MATCH (m:Metric)-[:METRIC_OF]->(t:Node) "
    "RETURN t.id AS target, m.metric_kind AS kind, count(m) AS n"
)
Q_DISTRICTS = (
    "MATCH (d:District) OPTIONAL MATCH (d)-[:LOCATED_IN]->(p:District) "
    "RETURN d.id AS id, d.name AS name, d.level AS level, p.id AS parent ORDER BY id"
)
Q_LOCATED = (
    "MATCH (a:Node)-[:LOCATED_IN]->(d:District) WHERE a.kind IN $kinds "
    "RETURN d.id AS district, a.kind AS kind, count(a) AS n"
)
Q_ACTORS_NO_CHAIN = (
    "MATCH (a:Node) WHERE a.kind IN $kinds "
    f"AND NOT (a)-[:{CHAIN_LINKS}]->(:Chain) AND NOT (a)-[:{CHAIN_LINKS}]->(:Segment) "
    "RETURN a.id AS id, a.kind AS kind, a.name AS name ORDER BY kind, id"
)
Q_SEGMENTS_NO_ACTOR = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(c:Chain) "
    f"WHERE NOT ()-[:{CHAIN_LINKS}]->(s) "
    "RETURN s.id AS id, s.name AS name, c.id AS chain ORDER BY chain, s.order"
)


def coverage_report(store: GraphStore) -> dict[str, Any]:
    """Counts per kind, relationship type, chain and district, and the coverage gaps."""
    params = {"kinds": ACTOR_KINDS}
    kinds = {r["kind"]: r["n"] for r in store.read(Q_KINDS)}
    rels = {r["type"]: r["n"] for r in store.read(Q_RELS)}
    chains = store.read(Q_CHAINS)
    segments = store.read(Q_SEGMENTS)
    links = store.read(Q_LINKS, params)
    metric_rows = store.read(Q_METRICS)

    seg_chain = {s["id"]: s["chain"] for s in segments}
    segs_of: dict[str, list[str]] = defaultdict(list)
    for s in segments:
        segs_of[s["chain"]].append(s["id"])
    children: dict[str, list[str]] = defaultdict(list)
    for c in chains:
        if c["parent"]:
            children[c["parent"]].append(c["id"])

    actors_of: dict[str, set[str]] = defaultdict(set)  # chain id -> actors (chain + segments)
    leaders_of: dict[str, set[str]] = defaultdict(set)
    seg_actors: dict[str, set[str]] = defaultdict(set)
    for link in links:
        target = link["target"]
        chain = seg_chain.get(target, target)
        actors_of[chain].add(link["actor"])
        if target in seg_chain:
            seg_actors[target].add(link["actor"])
        if link.get("role") == "leader":
            leaders_of[chain].add(link["actor"])
    metrics_of: dict[str, int] = defaultdict(int)
    targets_of: dict[str, int] = defaultdict(int)
    for m in metric_rows:
        chain = seg_chain.get(m["target"], m["target"])
        metrics_of[chain] += m["n"]
        if m.get("kind") == "target":
            targets_of[chain] += m["n"]

    chain_rows = []
    for c in chains:
        cid = c["id"]
        total = set(actors_of[cid])
        for sub in children.get(cid, []):
            total |= actors_of[sub]
        chain_rows.append({
            "id": cid,
            "name": c["name"],
            "name_en": c.get("name_en"),
            "tier": c["tier"],
            "derived": bool(c.get("derived")),
            "parent": c["parent"],
            "key_chains": len(children.get(cid, [])),
            "segments": len(segs_of[cid]),
            "segments_with_actors": sum(1 for s in segs_of[cid] if seg_actors[s]),
            "actors": len(actors_of[cid]),
            "actors_total": len(total),
            "leaders": sorted(leaders_of[cid]),
            "metrics": metrics_of[cid],
            "targets": targets_of[cid],
        })
    tier_order = {"flagship": 0, "key": 1, "district": 2}
    chain_rows.sort(key=lambda r: (tier_order.get(r["tier"], 9), r["parent"] or "", r["id"]))

    located: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in store.read(Q_LOCATED, params):
        located[r["district"]][r["kind"]] += r["n"]
    district_rows = []
    for d in store.read(Q_DISTRICTS):
        by_kind = dict(located.get(d["id"], {}))
        district_rows.append({
            "id": d["id"], "name": d["name"], "level": d["level"], "parent": d["parent"],
            "actors": sum(by_kind.values()), "by_kind": by_kind,
            "metrics": metrics_of.get(d["id"], 0),
        })

    tiers: dict[str, int] = defaultdict(int)
    for c in chains:
        tiers[c["tier"]] += 1
    return {
        "kinds": kinds,
        "relationships": rels,
        "tiers": dict(tiers),
        "flagship_chains": tiers.get("flagship", 0),
        "key_chains": tiers.get("key", 0),
        "derived_key_chains": sum(1 for c in chains if c["tier"] == "key" and c.get("derived")),
        "district_chains": tiers.get("district", 0),
        "chains": chain_rows,
        "districts": district_rows,
        "actors_without_chain": store.read(Q_ACTORS_NO_CHAIN, params),
        "chains_without_actor": [
            {"id": r["id"], "name": r["name"], "tier": r["tier"]}
            for r in chain_rows if r["actors_total"] == 0
        ],
        "flagship_chains_without_actor": [
            r["id"] for r in chain_rows if r["tier"] == "flagship" and r["actors"] == 0
        ],
        "segments_without_actor": store.read(Q_SEGMENTS_NO_ACTOR),
    }


def print_coverage(report: dict[str, Any], console) -> None:
    """Print a coverage report (from :func:`coverage_report`) as rich tables."""
    from rich.table import Table

    t = Table(title="Nodes per kind")
    t.add_column("kind")
    t.add_column("count", justify="right")
    for k, n in sorted(report["kinds"].items()):
        t.add_row(k, str(n))
    console.print(t)

    t = Table(title="Relationships per type")
    t.add_column("type")
    t.add_column("count", justify="right")
    for k, n in sorted(report["relationships"].items()):
        t.add_row(k, str(n))
    console.print(t)

    console.print(
        f"chains: {report['flagship_chains']} flagship, {report['key_chains']} key "
        f"({report['derived_key_chains']} derived from the documents), "
        f"{report['district_chains']} district"
    )
    t = Table(title="Chains")
    for col in ("chain", "tier", "parent", "segments", "seg. w/ actors", "actors",
                "actors incl. key", "leaders", "metrics", "targets"):
        t.add_column(col, justify="right" if col not in ("chain", "tier", "parent", "leaders")
                     else "left")
    for r in report["chains"]:
        t.add_row(f"{r['name']} ({r['id']})", r["tier"], r["parent"] or "",
                  str(r["segments"]), str(r["segments_with_actors"]), str(r["actors"]),
                  str(r["actors_total"]), ", ".join(r["leaders"]), str(r["metrics"]),
                  str(r["targets"]))
    console.print(t)

    t = Table(title="Districts")
    for col in ("district", "level", "actors", "by kind", "metrics"):
        t.add_column(col)
    for d in report["districts"]:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(d["by_kind"].items()))
        t.add_row(f"{d['name']} ({d['id']})", d["level"] or "", str(d["actors"]), kinds,
                  str(d["metrics"]))
    console.print(t)

    for key, title in (("actors_without_chain", "Actors with no chain"),
                       ("chains_without_actor", "Chains with no actor"),
                       ("segments_without_actor", "Segments with no actor")):
        rows = report[key]
        t = Table(title=f"{title} ({len(rows)})")
        if not rows:
            console.print(f"{title}: none")
            continue
        cols = list(rows[0])
        for col in cols:
            t.add_column(col)
        for r in rows:
            t.add_row(*(str(r.get(c) or "") for c in cols))
        console.print(t)
