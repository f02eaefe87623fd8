"""Registry import benchmark (issue 14): import times and memory, bulk vs naive, query p95s.

    .venv/bin/python benchmarks/registry.py                 # 10k and 100k rows, queries at 100k
    .venv/bin/python benchmarks/registry.py --sizes 10000,100000,1000000

Each size runs in its own process on a fresh embedded store holding the project seeds: generate
the extract (``chainatlas generate-registry``, Parquet, cached under the work directory), then
``chainatlas import`` it (timed by phase), then import it again (nothing changes). Memory: the
app's peak RSS and the store server's peak RSS (``VmHWM``). On the 10k rows it also writes the
same firms and relationships with a naive loader (one statement per row) on a fresh store, and
at the largest size ≤ 100k it times the queries (p95 over ``--runs``) against the same answers
computed in networkx from the same graph (p95 and median; the query texts from before the
search indexes, gap tallies and related's document-firm lists are timed in the same run).
Figures go to stdout; copy them into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _server_hwm_mib(store: Any) -> float | None:
    pid = None
    if getattr(store.server, "proc", None) is not None:
        pid = store.server.proc.pid
    else:
        state = store.server.read_state()
        pid = state.get("pid")
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _p95(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, math.ceil(0.95 * len(s)) - 1)] * 1000


def _timed(fn: Any, runs: int) -> tuple[float, float]:
    """(p95, median) of ``runs`` calls, in ms."""
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return _p95(samples), sorted(samples)[len(samples) // 2] * 1000


# -- child: one size ------------------------------------------------------------------------
NEVER = 10**12
"""``bulk_min`` that keeps the batched ``UNWIND … CREATE`` path (no GRAPH.BULK)."""


def _extract(rows: int, seed: int, work: Path, extracts: Path | None,
             out: dict[str, Any]) -> Path:
    from chainatlas.loaders.registry_gen import generate_file

    if extracts is not None and seed == 14 and (extracts / f"registry_{rows}.parquet").exists():
        return extracts / f"registry_{rows}.parquet"
    file = work / (f"registry_{rows}.parquet" if seed == 14 else
                   f"registry_{rows}_seed{seed}.parquet")
    if not file.exists():
        t = time.perf_counter()
        generate_file(rows, seed, file)
        out.setdefault("generate_s", {})[file.name] = round(time.perf_counter() - t, 1)
    return file


def child(rows: int, work: Path, runs: int, queries: bool, naive: bool,
          extracts: Path | None = None, increments: tuple[int, ...] = (),
          compare: bool = True, naive_repeat: int = 3,
          search_only: bool = False) -> dict[str, Any]:
    """Import ``rows`` firms by the default path (GRAPH.BULK above ``BULK_MIN_ROWS`` new firms),
    re-import, then add each of ``increments`` new firms onto that graph; with ``compare`` the
    same on a second fresh store through the UNWIND path."""
    from chainatlas.graph.falkor import FalkorStore
    from chainatlas.loaders.load import load
    from chainatlas.loaders.registry import import_registry

    file = _extract(rows, 14, work, extracts, out := {"rows": rows})
    extra = [_extract(n, 15 + i, work, None, out) for i, n in enumerate(increments)]
    for path, bulk_min in (("bulk", None), ("unwind", NEVER))[: 2 if compare else 1]:
        data = Path(tempfile.mkdtemp(prefix="bench-reg-", dir=work))
        store = FalkorStore(data)
        res: dict[str, Any] = out if path == "bulk" else out.setdefault("unwind", {})
        try:
            load(ROOT / "seeds", store)
            rss0 = _peak_rss_mib()
            t = time.perf_counter()
            report = import_registry(file, store, seeds_dir=ROOT / "seeds",
                                     links_path=data / "links.yaml", bulk_min=bulk_min)
            res["import_s"] = round(time.perf_counter() - t, 2)
            res["phases"] = report.seconds
            res["placements"] = report.placements
            if path == "bulk":
                out["app_peak_rss_mib"] = round(_peak_rss_mib(), 0)
                out["app_rss_before_import_mib"] = round(rss0, 0)
                out["store_peak_rss_mib"] = _server_hwm_mib(store)
                t = time.perf_counter()
                again = import_registry(file, store, seeds_dir=ROOT / "seeds",
                                        links_path=data / "links.yaml")
                out["reimport_s"] = round(time.perf_counter() - t, 2)
                out["reimport_written_statements"] = again.statements
                if queries:
                    out["queries"] = (bench_search if search_only else bench_queries)(
                        store, runs)
            for n, f in zip(increments, extra, strict=True):
                t = time.perf_counter()
                inc = import_registry(f, store, seeds_dir=ROOT / "seeds",
                                      links_path=data / "links.yaml",
                                      bulk_min=0 if path == "bulk" else NEVER)
                res.setdefault("increments", {})[str(n)] = {
                    "import_s": round(time.perf_counter() - t, 2),
                    "write_s": inc.seconds.get("write"), "new": inc.new}
        finally:
            store.close()
            shutil.rmtree(data, ignore_errors=True)
    if naive:
        out["naive"] = bench_naive(file, work, naive_repeat)
    return out


def bench_naive(file: Path, work: Path, repeat: int = 3) -> dict[str, Any]:
    """:func:`naive_round` ``repeat`` times (the three loaders interleaved, so that the load of a
    shared machine hits them alike): medians, and each round's ratio."""
    import statistics

    rounds = [naive_round(file, work) for _ in range(repeat)]
    res: dict[str, Any] = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    res["rounds_write_ratio"] = [r["write_ratio"] for r in rounds]
    res["rounds"] = repeat
    return res


def naive_round(file: Path, work: Path) -> dict[str, Any]:
    """Bulk write vs one statement per row, same firms and relationships, fresh stores."""
    import polars as pl

    from chainatlas.graph import bulk
    from chainatlas.graph.falkor import FalkorStore
    from chainatlas.loaders.load import load
    from chainatlas.loaders.registry import firm_frame, plan_writes, prepare
    from chainatlas.loaders.registry_resolve import EXISTING, Links, resolve
    from chainatlas.loaders.registry_rules import classify, load_rules

    res: dict[str, Any] = {}
    for mode in ("bulk", "unwind", "naive"):
        data = Path(tempfile.mkdtemp(prefix=f"bench-{mode}-", dir=work))
        store = FalkorStore(data)
        try:
            load(ROOT / "seeds", store)
            t_all = time.perf_counter()
            df = prepare(file, store=store, seeds_dir=ROOT / "seeds").df
            existing = store.read(EXISTING)
            r = resolve(df, existing, Links(data / "links.yaml"))
            placements = classify(df.select(r.ids.alias("id"), "industry_code", "industry_name",
                                            "scope", pl.col("district_id").alias("district")),
                                  load_rules(ROOT / "seeds" / "registry_rules.yaml"))
            frame = firm_frame(df, r.ids, {e["id"] for e in existing}, placements, file.name)
            ids = set(frame["id"].to_list())
            plan = plan_writes(frame, ids, set(), [], file.name, 25_000)
            t = time.perf_counter()
            if mode != "naive":  # time the durability step apart: the naive loader has none
                after, spent = store._after_write, []

                def timed_after(after: Any = after, spent: list[float] = spent) -> None:
                    t0 = time.perf_counter()
                    after()
                    spent.append(time.perf_counter() - t0)

                store._after_write = timed_after
                # bulk: new firms and their relationships through GRAPH.BULK; unwind: the same
                # staged copy, 25k-row UNWIND … CREATE batches (the path before GRAPH.BULK)
                bulk.staged_apply(store, plan, bulk_min=0 if mode == "bulk" else NEVER)
                res[f"{mode}_compact_s"] = round(sum(spent), 2)
            else:  # one statement per row, parameters through the client
                for cypher, rows in plan:
                    single = cypher.replace("UNWIND $rows AS row ", "")
                    for row in rows.to_dicts():
                        store.write(single.replace("row.", "$"), row)
            res[f"{mode}_write_s"] = round(time.perf_counter() - t, 2)
            res[f"{mode}_end_to_end_s"] = round(time.perf_counter() - t_all, 2)
            res[f"{mode}_nodes"] = store.read(
                "MATCH (n:Enterprise {basis: 'registry'}) RETURN count(n) AS c")[0]["c"]
        finally:
            store.close()
            shutil.rmtree(data, ignore_errors=True)
    res["write_ratio"] = round(res["naive_write_s"] / res["bulk_write_s"], 1)
    res["write_ratio_without_compaction"] = round(
        res["naive_write_s"] / (res["bulk_write_s"] - res["bulk_compact_s"]), 1)
    res["end_to_end_ratio"] = round(res["naive_end_to_end_s"] / res["bulk_end_to_end_s"], 1)
    res["unwind_write_ratio"] = round(res["naive_write_s"] / res["unwind_write_s"], 1)
    res["bulk_vs_unwind_write"] = round(res["unwind_write_s"] / res["bulk_write_s"], 2)
    return res


def export_nx(store: Any) -> Any:
    """The whole graph as a networkx MultiDiGraph (ids, kind and the properties used)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for r in store.read("MATCH (n:Node) RETURN n.id AS id, n.kind AS kind, n.local AS local, "
                        "n.active AS active, n.name AS name, n.search_keys AS keys, "
                        "n.level AS level, n.chain_id AS chain_id"):
        g.add_node(r["id"], **r)
    for r in store.read("MATCH (a:Node)-[r]->(b:Node) RETURN a.id AS a, type(r) AS t, "
                        "b.id AS b"):
        g.add_edge(r["a"], r["b"], type=r["t"])
    return g


def nx_related(g: Any, firm: str) -> list[tuple[str, float]]:
    """Same segment / chain / district / partner reasons and weights, in networkx."""
    from chainatlas.queries.related import WEIGHTS

    kinds: dict[str, set[str]] = defaultdict(set)
    out_e = list(g.out_edges(firm, data="type"))
    for _, seg, t in out_e:
        if t == "IN_SEGMENT":
            for o, _, t2 in g.in_edges(seg, data="type"):
                if t2 == "IN_SEGMENT" and o != firm and g.nodes[o].get("kind") == "enterprise":
                    kinds[o].add("same_segment")
            chain = g.nodes[seg].get("chain_id")
            for o, _, t2 in g.in_edges(chain, data="type") if chain in g else []:
                if t2 == "IN_CHAIN" and o != firm:
                    kinds[o].add("same_chain")
        if t == "LOCATED_IN" and g.nodes[seg].get("level") != "city":
            for o, _, t2 in g.in_edges(seg, data="type"):
                if t2 == "LOCATED_IN" and o != firm and g.nodes[o].get("kind") == "enterprise":
                    kinds[o].add("same_district")
        if t in ("PARTNERS_WITH", "SUPPLIES"):
            kinds[seg].add("partner")
    scores = {o: sum(WEIGHTS[k] for k in ks) for o, ks in kinds.items()}
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:20]


def nx_gap_counts(g: Any, chain: str) -> dict[str, int]:
    out = {}
    for s, _, t in g.in_edges(chain, data="type"):
        if t != "SEGMENT_OF":
            continue
        firms = {o for o, _, t2 in g.in_edges(s, data="type") if t2 == "IN_SEGMENT"
                 and g.nodes[o].get("kind") == "enterprise"
                 and g.nodes[o].get("active") is not False and g.nodes[o].get("local") is not False}
        out[s] = len(firms)
    return out


def nx_search(g: Any, q: str) -> list[str]:
    return [n for n, d in g.nodes(data=True) if any(q in k for k in (d.get("keys") or []))][:1000]


def nx_neighbourhood(g: Any, center: str, depth: int = 2, hub: int = 40) -> set[str]:
    seen = {center}
    frontier = [center]
    for d in range(depth):
        nxt = []
        for n in frontier:
            if d and g.degree(n) > hub:
                continue
            for m in list(g.successors(n)) + list(g.predecessors(n)):
                if m not in seen and g.nodes[m].get("kind") != "document":
                    seen.add(m)
                    nxt.append(m)
        frontier = nxt
    return seen


WALK_COUNTS = (
    "MATCH (s:Segment)-[:SEGMENT_OF]->(:Chain {id: $chain}) "
    "OPTIONAL MATCH (e:Enterprise)-[r:IN_SEGMENT]->(s) "
    "WHERE coalesce(e.active, true) = true AND coalesce(e.local, true) = true AND "
    "($district IS NULL OR (e)-[:LOCATED_IN]->(:District {id: $district}) OR "
    "(e)-[:LOCATED_IN]->(:Node)-[:LOCATED_IN]->(:District {id: $district})) "
    "WITH s, e, r RETURN s.id AS segment, count(DISTINCT e) AS firms, "
    "count(DISTINCT CASE WHEN r.basis = 'rule' THEN e END) AS by_rule, "
    "sum(coalesce(e.capital_wan, 0.0)) AS capital_wan, max(e.capital_wan) AS max_capital_wan, "
    "sum(coalesce(e.insured, 0)) AS insured"
)
"""segment_counts before the import's tallies: a walk over every firm of the chain."""

SCAN_SEARCH = (
    "MATCH (n:Node) WHERE ($kind IS NULL OR n.kind = $kind) AND "
    "(toLower(n.id) CONTAINS $q OR any(k IN n.search_keys WHERE k CONTAINS $q OR k CONTAINS $q2) "
    "OR any(k IN coalesce(n.keyword_keys, []) WHERE k CONTAINS $q OR k CONTAINS $q2)) "
    "RETURN n.id AS id, n.search_keys AS keys LIMIT $cap"
)
"""search's candidate query before the indexes: every node's keys scanned with CONTAINS."""


def _before_related() -> str:
    """related's query text before the ``doc_firm_ids`` lists: every capped branch walks all the
    firms of its segment / chain / district to find the document firms, one row per firm."""
    from chainatlas.queries import related as rq

    def branch(kind: str, match: str, rels: tuple[str, ...] = ("r1", "r2"),
               capped: bool = True) -> str:
        docs = " + ".join(f"coalesce({r}.source_docs, [])" for r in rels)
        quotes = " + ".join(f"coalesce({r}.source_quotes, [])" for r in rels)
        bases = ", ".join(f"coalesce({r}.basis, 'stated')" for r in rels)
        ret = (f"RETURN '{kind}' AS reason, o.id AS other, v.id AS via, v.name AS via_name, "
               f"{docs} AS docs, {quotes} AS quotes, [{bases}] AS bases")
        if not capped:
            return f"{match} {ret}"
        return (f"{match} AND coalesce(o.basis, '') <> $registry {ret} UNION ALL "
                f"{match} AND o.basis = $registry {ret} LIMIT $cap")

    e = rq._E
    return " UNION ALL ".join([
        branch("same_segment", f"{rq._SEG}<-[r2:IN_SEGMENT]-(o:Enterprise) WHERE o.id <> e.id"),
        branch("downstream", f"{rq._DOWN}<-[r2:IN_SEGMENT]-(o:Enterprise) WHERE o.id <> e.id"),
        branch("upstream", f"{rq._UP}<-[r2:IN_SEGMENT]-(o:Enterprise) WHERE o.id <> e.id"),
        branch("partner", f"{e}-[r1:PARTNERS_WITH]-(o:Enterprise) WITH e, r1, o, o AS v",
               ("r1",), False),
        branch("customer", f"{e}-[r1:SUPPLIES]->(o:Enterprise) WITH e, r1, o, o AS v",
               ("r1",), False),
        branch("supplier", f"{e}<-[r1:SUPPLIES]-(o:Enterprise) WITH e, r1, o, o AS v",
               ("r1",), False),
        branch("same_cluster", f"{e}-[r1:MEMBER_OF]->(v:Cluster)<-[r2:MEMBER_OF]-(o:Enterprise) "
               "WHERE o.id <> e.id"),
        branch("same_park", f"{e}-[r1:LOCATED_IN|MEMBER_OF]->(v:Park)"
               "<-[r2:LOCATED_IN|MEMBER_OF]-(o:Enterprise) WHERE o.id <> e.id"),
        branch("same_district", f"{rq._DISTRICT}<-[r2:LOCATED_IN]-(o:Enterprise) "
               "WHERE o.id <> e.id AND coalesce(v.level, '') <> $city"),
        branch("shared_platform", f"{e}-[r1:PARTNERS_WITH|MEMBER_OF|OPERATES]-(v:Platform)"
               "-[r2:PARTNERS_WITH|MEMBER_OF|OPERATES]-(o:Enterprise) WHERE o.id <> e.id"),
        branch("same_chain", f"{rq._CHAIN_OF} MATCH (o:Enterprise)-[r2:IN_CHAIN]->(v) "
               "WHERE o.id <> e.id AND (x.id <> v.id OR x.kind = $chain_kind)"),
        branch("same_chain", f"{rq._CHAIN_OF} "
               "MATCH (o:Enterprise)-[r2:IN_SEGMENT]->(y:Segment)-[:SEGMENT_OF]->(v) "
               "WHERE o.id <> e.id AND (x.id <> y.id OR x.kind = $chain_kind)"),
    ])


def search_cases(store: Any, g: Any) -> dict[str, Any]:
    """Search rows (store side, and the same answer from networkx when ``g`` is given)."""
    from chainatlas.queries import search

    def nx(q: str) -> Any:
        return (lambda: nx_search(g, q)) if g is not None else None

    jn = {"q": "济南", "q2": "济南", "qs": ["济南"], "q_end": search.prefix_end("济南"),
          "q2_end": search.prefix_end("济南"), "cap": search.REGISTRY_CAP}
    return {
        "search hit 比亚迪": (lambda: search.search(store, "比亚迪"), nx("比亚迪")),
        "search miss (fuzzy)": (lambda: search.search(store, "zzqqxx"), nx("zzqqxx")),
        "search prefix 济南 (broad)": (lambda: search.search(store, "济南"), nx("济南")),
        "search mid-name 泉城科技": (lambda: search.search(store, "泉城科技"), nx("泉城科技")),
        "search mid-name 科技 (broad)": (lambda: search.search(store, "科技"), nx("科技")),
        "search pinyin jinan (broad)": (lambda: search.search(store, "jinan"), nx("jinan")),
        "search pinyin long": (lambda: search.search(store, "jinanquanchengkeji1"),
                               nx("jinanquanchengkeji1")),
        # the registry lookup before the full-text index: range-index prefixes
        "before: registry range prefix 济南": (
            lambda: store.read(search.REGISTRY_CANDIDATES, jn), nx("济南")),
    }


def bench_search(store: Any, runs: int) -> dict[str, Any]:
    """Only the search rows, without the networkx copy (``--search-only``): the first call of
    each (cold: the pinyin readings of the document nodes it matches are computed once per
    process) is reported apart, then p50 / p95 over ``runs`` more calls."""
    out: dict[str, Any] = {"nx_export_s": None}
    for name, (ours, _) in search_cases(store, None).items():
        t = time.perf_counter()
        ours()
        first = time.perf_counter() - t
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            ours()
            samples.append(time.perf_counter() - t)
        out[name] = {"store_p95_ms": round(_p95(samples), 1), "networkx_p95_ms": 0.0,
                     "ratio": None, "store_median_ms": round(sorted(samples)[len(samples) // 2]
                                                             * 1000, 1),
                     "store_first_ms": round(first * 1000, 1)}
    return out


def bench_queries(store: Any, runs: int) -> dict[str, Any]:
    from chainatlas.queries import gaps, neighbourhood, related
    from chainatlas.queries.registry_counts import segment_counts

    def rel_params(fid: str) -> dict[str, Any]:
        return {"id": fid, "city": "city", "chain_kind": "chain", "cap": related.CAP,
                "registry": "registry"}

    before_related = _before_related()

    firm = store.read("MATCH (n:Enterprise {basis: 'registry'})-[:IN_SEGMENT]->"
                      "(:Segment {id: 'ic-design'}) RETURN n.id AS id LIMIT 1")[0]["id"]
    t = time.perf_counter()
    g = export_nx(store)
    export_s = round(time.perf_counter() - t, 1)
    # keep the networkx copy out of the collector's scans: its collections otherwise land in
    # the store's timed loops (they made the 1M related p95 1.6 s for a 150 ms median)
    gc.collect()
    gc.freeze()
    cases = {
        "related byd": (lambda: related.related_enterprises(store, "byd"),
                        lambda: nx_related(g, "byd")),
        "related registry firm": (lambda: related.related_enterprises(store, firm),
                                  lambda: nx_related(g, firm)),
        "gap counts 集成电路": (lambda: segment_counts(store, "integrated-circuits"),
                             lambda: nx_gap_counts(g, "integrated-circuits")),
        "neighbourhood byd d2": (lambda: neighbourhood.neighbourhood(store, "byd", depth=2),
                                 lambda: nx_neighbourhood(g, "byd")),
        **search_cases(store, g),
        "gap report 集成电路": (lambda: gaps.gap_report(store, "integrated-circuits"),
                            lambda: nx_gap_counts(g, "integrated-circuits")),
        "related rows byd (query only)": (lambda: related.related_rows(store, "byd"),
                                          lambda: nx_related(g, "byd")),
        # the query texts before the tallies / indexes / doc_firm_ids lists, timed in the same run
        "before: related rows byd": (
            lambda: store.read(before_related, rel_params("byd")),
            lambda: nx_related(g, "byd")),
        "before: related rows registry firm": (
            lambda: store.read(before_related, rel_params(firm)),
            lambda: nx_related(g, firm)),
        "before: gap counts walk": (
            lambda: store.read(WALK_COUNTS, {"chain": "integrated-circuits", "district": None}),
            lambda: nx_gap_counts(g, "integrated-circuits")),
        "before: search scan 比亚迪": (
            lambda: store.read(SCAN_SEARCH, {"q": "比亚迪", "q2": "比亚迪", "kind": None,
                                             "cap": 1000}),
            lambda: nx_search(g, "比亚迪")),
    }
    out: dict[str, Any] = {"nx_export_s": export_s}
    for name, (ours, theirs) in cases.items():
        p_ours, med = _timed(ours, runs)
        p_nx, _ = _timed(theirs, runs)
        out[name] = {"store_p95_ms": round(p_ours, 1), "store_median_ms": round(med, 1),
                     "networkx_p95_ms": round(p_nx, 2),
                     "ratio": round(p_ours / p_nx, 1) if p_nx else None}
    return out


# -- parent -----------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "chainatlas-bench")
    ap.add_argument("--child", type=int)
    ap.add_argument("--queries", action="store_true")
    ap.add_argument("--naive", action="store_true")
    ap.add_argument("--extracts", type=Path, default=None,
                    help="directory holding ready registry_N.parquet extracts (seed 14)")
    ap.add_argument("--increments", default="1000,10000",
                    help="new firms imported onto each imported graph (comma list; '' for none)")
    ap.add_argument("--no-compare", action="store_true",
                    help="skip the second import through the UNWIND path")
    ap.add_argument("--no-queries", action="store_true")
    ap.add_argument("--naive-rounds", type=int, default=3,
                    help="rounds of bulk / UNWIND / naive on the 10k rows (medians reported)")
    ap.add_argument("--search-only", action="store_true",
                    help="time only the search rows (no networkx copy, no naive loader)")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    increments = tuple(int(x) for x in args.increments.split(",") if x)
    if args.child:
        print(json.dumps(child(args.child, args.work, args.runs, args.queries, args.naive,
                               args.extracts, increments, not args.no_compare,
                               args.naive_rounds, args.search_only),
                         ensure_ascii=False))
        return
    sizes = [int(x) for x in args.sizes.split(",")]
    q_size = max([s for s in sizes if s <= 100_000] or [sizes[0]])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")
    results = []
    for n in sizes:
        cmd = [sys.executable, __file__, "--child", str(n), "--work", str(args.work),
               "--runs", str(args.runs), "--increments", args.increments,
               "--naive-rounds", str(args.naive_rounds)]
        if args.extracts:
            cmd += ["--extracts", str(args.extracts)]
        if args.no_compare:
            cmd.append("--no-compare")
        if n == q_size and not args.no_queries:
            cmd.append("--queries")
        if args.search_only:
            cmd.append("--search-only")
        elif n == 10_000:
            cmd.append("--naive")
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode:
            print(f"{n} rows: FAILED\n{proc.stderr[-3000:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        r["wall_s"] = round(time.perf_counter() - t, 1)
        results.append(r)
        print(f"\n## {n:,} rows (load average after: {os.getloadavg()[0]:.1f})")
        print(f"import {r['import_s']} s (goal 100k < 15 s, 1M < 180 s); phases {r['phases']}")
        if "unwind" in r:
            u = r["unwind"]
            print(f"same import through the UNWIND path (no GRAPH.BULK): {u['import_s']} s, "
                  f"write {u['phases'].get('write')} s vs {r['phases'].get('write')} s = "
                  f"{u['phases'].get('write', 0) / max(r['phases'].get('write', 1e-9), 1e-9):.2f}×")
        for name, res in (("GRAPH.BULK", r), ("UNWIND", r.get("unwind", {}))):
            for k, v in res.get("increments", {}).items():
                print(f"then {int(k):,} new firms onto it by {name}: import {v['import_s']} s, "
                      f"write {v['write_s']} s")
        print(f"re-import of the same file {r['reimport_s']} s, "
              f"{r['reimport_written_statements']} write statements")
        print(f"memory: app peak RSS {r['app_peak_rss_mib']:.0f} MiB, store peak RSS "
              f"{r['store_peak_rss_mib'] or 0:.0f} MiB (goal total < 6 GiB at 1M)")
        if "naive" in r:
            nv = r["naive"]
            print(f"bulk vs naive (same {n:,} rows, medians of {nv['rounds']} interleaved rounds; "
                  f"each round's write ratio {nv['rounds_write_ratio']}):")
            print(f"  write {nv['bulk_write_s']} s vs "
                  f"{nv['naive_write_s']} s = {nv['write_ratio']}× (goal ≥ 20×); end to end "
                  f"{nv['bulk_end_to_end_s']} s vs {nv['naive_end_to_end_s']} s = "
                  f"{nv['end_to_end_ratio']}×; bulk without its AOF compaction "
                  f"({nv['bulk_compact_s']} s, the naive loader does none): "
                  f"{nv['write_ratio_without_compaction']}×")
            print(f"  the UNWIND path on the same rows: write {nv['unwind_write_s']} s "
                  f"(naive ratio {nv['unwind_write_ratio']}×; GRAPH.BULK is "
                  f"{nv['bulk_vs_unwind_write']}× faster)")
        if "queries" in r:
            print(f"queries at {n:,} rows (p95 over {args.runs} runs; networkx export "
                  f"{r['queries']['nx_export_s']} s):")
            for name, v in r["queries"].items():
                if isinstance(v, dict):
                    first = (f", first call {v['store_first_ms']:.1f} ms"
                             if "store_first_ms" in v else "")
                    print(f"  {name:24s} store {v['store_p95_ms']:9.1f} ms (median "
                          f"{v['store_median_ms']:.1f}{first})   networkx "
                          f"{v['networkx_p95_ms']:9.2f} ms   ratio {v['ratio']}")
    print("\njson: " + json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
