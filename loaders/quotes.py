"""Check that every quote in the seeds stands in the document it cites, and find where.

A quote may run across the documents' line breaks and the spaces between characters: it is
matched with all whitespace removed on both sides (:class:`QuoteIndex`), and the document's
exact text span (``start-end`` character offsets into the file's text, end exclusive) is what
the loader stores for a reader to find it (``source_spans``, parallel to ``source_quotes``).

Runs as part of validation whenever the source documents are at hand
(``CHAINATLAS_SOURCES_DIR``, default ``seeds/documents``, a copy of ``../shared/sources``);
each failure is a :class:`SeedError` with file, line and field, like any other seed error.

>>> ix = QuoteIndex("山东电力设备有限公司、山东电工\\n变压器有限公司两大链主")
>>> ix.find("山东电工变压器有限公司")
(11, 23)
>>> ix.text[11:23]
'山东电工\\n变压器有限公司'
>>> ix.find("没有") is None
True
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from chainatlas.loaders.schema import DocumentIn
from chainatlas.loaders.validate import SeedError, SeedSet, sources_with_paths

_WS = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """``text`` without any whitespace (line breaks, spaces, full-width spaces).

    >>> squeeze("2026 年\\n 1 月")
    '2026年1月'
    """
    return _WS.sub("", text)


class QuoteIndex:
    """A document's text, searchable whitespace-insensitively, mapping hits back to offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._found: dict[str, tuple[int, int] | None] = {}
        """quote → where it stands: the same quote is cited by many items (and checked, then
        located again for ``source_spans``)."""
        self._spans: dict[str, str] = {}

    @cached_property
    def _index(self) -> tuple[str, list[int]]:
        chars: list[str] = []
        offsets: list[int] = []
        for i, ch in enumerate(self.text):
            if not ch.isspace():
                chars.append(ch)
                offsets.append(i)
        return "".join(chars), offsets

    def find(self, quote: str) -> tuple[int, int] | None:
        """``(start, end)`` offsets in the text of the first occurrence of ``quote``, or None."""
        if quote in self._found:
            return self._found[quote]
        hit = self._found[quote] = self._find(quote)
        return hit

    def _find(self, quote: str) -> tuple[int, int] | None:
        q = squeeze(quote)
        if not q:
            return None
        flat, offsets = self._index
        at = flat.find(q)
        if at < 0:
            return None
        return offsets[at], offsets[at + len(q) - 1] + 1

    def span(self, quote: str) -> str:
        """``"start-end"`` of the quote in the text, or ``""`` when it is not there."""
        span = self._spans.get(quote)
        if span is None:
            hit = self.find(quote)
            span = self._spans[quote] = f"{hit[0]}-{hit[1]}" if hit else ""
        return span


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
    """Every quote not found in its document, whitespace ignored (documents without a file
    are skipped)."""
    return check_quotes_in(seeds, {d: QuoteIndex(t) for d, t in
                                   document_texts(seeds, sources_dir).items()})


def check_quotes_in(seeds: SeedSet, index: dict[str, QuoteIndex]) -> list[SeedError]:
    """:func:`check_quotes` against documents already read."""
    errors: list[SeedError] = []
    for item in seeds.items:
        for sub, src in sources_with_paths(item):
            ix = index.get(src.doc)
            if ix is not None and ix.find(src.quote) is None:
                errors.append(SeedError(
                    item.file, item.line(*sub, "quote"), item.where(*sub, "quote"),
                    f"quote found nowhere in {src.doc} (even with spaces and line breaks "
                    f"ignored): {src.quote!r} — copy it from the document"))
    return errors
