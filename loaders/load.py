"""Load a seed directory into a store: validate everything first, then replace atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chainatlas.graph.model import GraphData
from chainatlas.graph.store import GraphStore, Progress
from chainatlas.loaders.build import build_graph
from chainatlas.loaders.validate import SeedSet, SeedValidationError, read_seeds


@dataclass
class LoadReport:
    files: int
    nodes: int
    relationships: int
    written: bool


def validate(path: Path) -> tuple[SeedSet, GraphData]:
    """Validate the seeds under ``path``; raise :class:`SeedValidationError` with every error."""
    seeds, errors = read_seeds(Path(path))
    if errors:
        raise SeedValidationError(errors)
    return seeds, build_graph(seeds)


def load(
    path: Path,
    store: GraphStore | None,
    *,
    dry_run: bool = False,
    batch_size: int = 500,
    progress: Progress | None = None,
    on_total: callable | None = None,  # type: ignore[valid-type]
) -> LoadReport:
    """Validate, then (unless ``dry_run``) replace the graph in ``store`` with the seeds.

    A validation error raises before anything is written; a store error during the write
    leaves the previous graph in place (the stores replace atomically).
    """
    seeds, data = validate(path)
    report = LoadReport(len(seeds.files), data.node_count(), data.rel_count(), False)
    if dry_run or store is None:
        return report
    if on_total:
        on_total(data.node_count() + data.rel_count())
    store.replace(data, batch_size=batch_size, progress=progress)
    report.written = True
    return report
