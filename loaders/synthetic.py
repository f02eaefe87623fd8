"""A synthetic seed set of any size, in the real seed format, for benchmarks and scale tests.

It goes through the same path as real seeds (YAML → validation → graph rows), so what it
measures is what a user's large seed directory costs.

>>> files = synthetic_seed_files(chains=2, segments=3, enterprises=5)
>>> sorted(files)
['documents.yaml', 'synthetic.yaml']
>>> "enterprises:" in files["synthetic.yaml"]
True
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

DOC = "synthetic-doc"
QUOTE = "synthetic"


def _src() -> list[dict[str, str]]:
    return [{"doc": DOC, "quote": QUOTE}]


def synthetic_seed_files(
    chains: int = 5, segments: int = 6, enterprises: int = 200, districts: int = 8, seed: int = 7
) -> dict[str, str]:
    """File name → YAML text of a seed set with the given sizes (deterministic for ``seed``)."""
    rnd = random.Random(seed)
    docs = {"documents": [{"id": DOC, "name": "合成数据", "issuer": "benchmark"}]}
    out: dict[str, list] = {k: [] for k in ("districts", "chains", "enterprises", "parks",
                                             "clusters", "platforms", "projects", "metrics")}
    out["districts"].append({"id": "city", "name": "合成市", "level": "city", "sources": _src()})
    for d in range(districts):
        out["districts"].append({"id": f"d{d}", "name": f"合成区{d}", "level": "district",
                                 "parent": "city", "sources": _src()})
        out["parks"].append({"id": f"park{d}", "name": f"合成园区{d}", "district": f"d{d}",
                             "sources": _src()})
    segment_ids: list[str] = []
    stages = ["upstream", "midstream", "downstream"]
    for c in range(chains):
        segs = []
        for s in range(segments):
            sid = f"c{c}-s{s}"
            segs.append({"id": sid, "name": f"合成链{c}环节{s}",
                         "stage": stages[min(s * 3 // max(segments, 1), 2)],
                         "feeds": [f"c{c}-s{s + 1}"] if s + 1 < segments else [],
                         "sources": _src()})
            segment_ids.append(sid)
        out["chains"].append({"id": f"c{c}", "name": f"合成链{c}", "name_en": f"Chain {c}",
                              "tier": "flagship", "segments": segs, "sources": _src()})
        out["clusters"].append({"id": f"cl{c}", "name": f"合成集群{c}", "level": "provincial",
                                "district": f"d{c % districts}", "serves": [f"c{c}"],
                                "sources": _src()})
        out["platforms"].append({"id": f"pf{c}", "name": f"合成平台{c}",
                                 "district": f"d{c % districts}", "serves": [f"c{c}"],
                                 "sources": _src()})
        out["metrics"].append({"id": f"m{c}", "subject": f"c{c}", "indicator": "企业数量",
                               "value": rnd.randint(10, 500), "unit": "家", "year": 2025,
                               "sources": _src()})
    for e in range(enterprises):
        seg = rnd.choice(segment_ids)
        item = {
            "id": f"e{e}", "name": f"合成企业{e}", "aliases": [f"企业{e}号"],
            "name_en": f"Firm {e}", "district": f"d{rnd.randrange(districts)}",
            "chains": [{"id": seg, "role": "leader" if rnd.random() < 0.05 else "member"}],
            "parks": [f"park{rnd.randrange(districts)}"] if rnd.random() < 0.4 else [],
            "clusters": [f"cl{rnd.randrange(chains)}"] if rnd.random() < 0.3 else [],
            "partners": [f"e{rnd.randrange(e)}"] if e and rnd.random() < 0.3 else [],
            "sources": _src(),
        }
        out["enterprises"].append({k: v for k, v in item.items() if v != []})
        if e % 10 == 0:
            out["projects"].append({"id": f"p{e}", "name": f"合成项目{e}", "status": "started",
                                    "year": 2026, "owners": [f"e{e}"], "chains": [seg],
                                    "sources": _src()})
    dump = {"allow_unicode": True, "sort_keys": False}
    return {"documents.yaml": yaml.safe_dump(docs, **dump),
            "synthetic.yaml": yaml.safe_dump(out, **dump)}


def write_synthetic_seeds(directory: Path, **sizes: int) -> Path:
    """Write :func:`synthetic_seed_files` into ``directory`` and return it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in synthetic_seed_files(**sizes).items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory
