"""Check that every quote in the seeds stands verbatim in the document it cites.

Runs as part of validation whenever the source documents are at hand
(``CHAINATLAS_SOURCES_DIR``, default ``../shared/sources``); each failure is a
:class:`SeedError` with file, line and field, like any other seed error.
"""

from __future__ import annotations

from pathlib import Path

from chainatlas.loaders.schema import DocumentIn
from chainatlas.loaders.validate import SeedError, SeedSet, sources_with_paths


def document_texts(seeds: SeedSet, sources_dir: Path) -> dict[str, str]:
    """Text of every document of the seed set whose file is in ``sources_dir``."""
    texts: dict[str, str] = {}
    for doc_id, item in seeds.nodes.items():
        m = item.model
        if isinstance(m, DocumentIn) and m.file:
            path = Path(sources_dir) / m.file
            if path.is_file():
                texts[doc_id] = path.read_text(encoding="utf-8")
    return texts


def check_quotes(seeds: SeedSet, sources_dir: Path) -> list[SeedError]:
    """Every quote not found verbatim in its document (documents without a file are skipped)."""
    texts = document_texts(seeds, sources_dir)
    errors: list[SeedError] = []
    for item in seeds.items:
        for sub, src in sources_with_paths(item):
            text = texts.get(src.doc)
            if text is not None and src.quote not in text:
                errors.append(SeedError(
                    item.file, item.line(*sub, "quote"), item.where(*sub, "quote"),
                    f"quote not found verbatim in {src.doc}: {src.quote!r} (copy it exactly, "
                    "with the document's punctuation and spaces)"))
    return errors
