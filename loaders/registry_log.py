"""Which registry extracts the graph holds, so that a seed load keeps them.

``chainatlas load`` rebuilds the graph from the seeds; registry firms (basis ``registry``) are
not in the seeds. Every successful ``chainatlas import`` is recorded in
``DATA_DIR/registry_imports.json`` (file, mapping, when); after a seed load the recorded
extracts are imported again, in the order they were first imported, so an officer who accepts
a new report and reloads does not lose the registry.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> record_import(d, d / "a.csv", None); record_import(d, d / "b.xlsx", d / "m.yaml")
>>> record_import(d, d / "a.csv", None)  # again: moves to the end, no duplicate
>>> [pathlib.Path(r["file"]).name for r in recorded_imports(d)]
['b.xlsx', 'a.csv']
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

LOG_NAME = "registry_imports.json"

REGISTRY_FIRMS = "MATCH (n:Enterprise) WHERE n.basis = 'registry' RETURN count(n) AS firms"
"""How many registry firms does the graph hold?"""


def _path(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_NAME


def recorded_imports(data_dir: Path) -> list[dict[str, Any]]:
    """The recorded imports, oldest first (an unreadable log counts as none)."""
    try:
        items = json.loads(_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [i for i in items if isinstance(i, dict) and i.get("file")]


def record_import(data_dir: Path, file: Path, mapping: Path | None) -> None:
    """Remember a successful import of ``file`` (with its ``mapping``)."""
    file = Path(file).resolve()
    items = [i for i in recorded_imports(data_dir) if i["file"] != str(file)]
    items.append({"file": str(file), "mapping": str(Path(mapping).resolve()) if mapping else None,
                  "at": time.strftime("%Y-%m-%d %H:%M:%S")})
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    tmp = _path(data_dir).with_suffix(".tmp")
    tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(_path(data_dir))
