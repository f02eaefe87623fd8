"""Load a seed directory into a store: validate everything first, then replace atomically."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from chainatlas.graph.model import GraphData
from chainatlas.graph.store import GraphStore, Progress
from chainatlas.loaders.build import build_graph
from chainatlas.loaders.quotes import QuoteIndex, check_quotes_in, document_texts
from chainatlas.loaders.validate import SeedSet, SeedValidationError, read_seeds


class EmptySeedSource(ValueError):
    """The seed source holds no items and the graph is not empty: refused."""


class SourcesMissing(FileNotFoundError):
    """The quote check was asked for and the source documents are not there: refused."""


def sources_missing_message(sources_dir: Path | None) -> str:
    return (f"未找到原文 The source documents are not at {sources_dir}: the quotes cannot be "
            "checked, so nothing is loaded. Set CHAINATLAS_SOURCES_DIR to the directory of the "
            "source documents, or pass --no-quote-check (CHAINATLAS_QUOTE_CHECK=false) to load "
            "without checking them.")


@dataclass
class LoadReport:
    files: int
    nodes: int
    relationships: int
    written: bool
    quotes_checked: bool = False


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a load builds its objects.

    A load creates millions of small objects (parsed values, models, rows) and no reference
    cycles; the collector's full passes over an ever larger heap made it superlinear (at 30,000
    firms they took two thirds of the parse and validation time). Reference counting still
    frees everything as usual; the collector resumes afterwards as it was.

    >>> with no_cyclic_gc():
    ...     gc.isenabled()
    False
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def validate(path: Path, sources_dir: Path | None = None) -> tuple[SeedSet, GraphData]:
    """Validate the seeds under ``path``; raise :class:`SeedValidationError` with every error.

    With ``sources_dir`` (the source documents), every quote must stand in its document (whitespace
    ignored); the graph then records where (``source_spans``).
    """
    with no_cyclic_gc():
        return _validate(path, sources_dir)


def _validate(path: Path, sources_dir: Path | None) -> tuple[SeedSet, GraphData]:
    seeds, errors = read_seeds(Path(path))
    texts: dict[str, str] = {}
    index: dict[str, QuoteIndex] = {}
    if sources_dir is not None and not errors:
        texts = document_texts(seeds, Path(sources_dir))
        index = {d: QuoteIndex(t) for d, t in texts.items()}
        errors = check_quotes_in(seeds, index)
    if errors:
        raise SeedValidationError(errors)
    return seeds, build_graph(seeds, texts, index=index)


def load(
    path: Path,
    store: GraphStore | None,
    *,
    dry_run: bool = False,
    batch_size: int = 500,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    sources_dir: Path | None = None,
    require_quotes: bool = False,
    allow_empty: bool = False,
) -> LoadReport:
    """Validate, then (unless ``dry_run``) replace the graph in ``store`` with the seeds.

    A validation error raises before anything is written; a store error during the write
    leaves the previous graph in place (the stores replace atomically). When ``sources_dir``
    holds the source documents, every quote is checked against them too; with
    ``require_quotes`` a missing ``sources_dir`` is :class:`SourcesMissing` (the CLI's default).
    A seed source with no items never replaces a non-empty graph unless ``allow_empty``
    (:class:`EmptySeedSource`).
    """
    if sources_dir is None or not Path(sources_dir).is_dir():
        if require_quotes:
            raise SourcesMissing(sources_missing_message(sources_dir))
        sources_dir = None
    with no_cyclic_gc():
        return _load(path, store, dry_run, batch_size, progress, on_total, sources_dir,
                     allow_empty)


def _load(path: Path, store: GraphStore | None, dry_run: bool, batch_size: int,
          progress: Progress | None, on_total: Callable[[int], None] | None,
          sources_dir: Path | None, allow_empty: bool) -> LoadReport:
    seeds, data = validate(path, sources_dir)
    files = len(seeds.files)
    del seeds  # the rows are built: let the write reuse the items' memory
    report = LoadReport(files, data.node_count(), data.rel_count(), False,
                        quotes_checked=sources_dir is not None)
    if dry_run or store is None:
        return report
    if data.node_count() == 0 and not allow_empty and not store.is_empty():
        raise EmptySeedSource(
            f"{path} holds no seed items ({files} YAML file(s)): refusing to replace "
            "the graph with an empty one. Check the path; pass --allow-empty to empty the graph "
            "on purpose.")
    if on_total:
        on_total(data.node_count() + data.rel_count())
    store.replace(data, batch_size=batch_size, progress=progress)
    report.written = True
    return report
