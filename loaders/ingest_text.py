"""Read a new report (.txt, .docx, .pdf) as plain text and cut it into sentences.

Part of ``chainatlas ingest`` (:mod:`chainatlas.loaders.ingest`). The text read here is what
the proposals quote and what is saved beside the proposal as ``ID.txt`` (the document file the
quote check reads), so every quote stands in it verbatim.

A sentence ends at 。！？； or at a line break after a short line (titles, headers); a long line
broken without punctuation (a wrapped paragraph, as in the weekly report's ``…创新资\\n\\n源``)
continues. Each sentence remembers the report's own section header it stands under
(``【历城区】…``): the district is read from it.

>>> text = "标题\\n\\n【历城区】1月27日，赴山大科创城。选址确定。\\n【长清区】指导。\\n\\n编辑：陈"
>>> for s in split_sentences(text):
...     print(s.header, s.text)
None 标题
历城区 【历城区】1月27日，赴山大科创城。
历城区 选址确定。
长清区 【长清区】指导。
None 编辑：陈
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".docx", ".pdf")
"""File types ``chainatlas ingest`` reads."""

WRAP_MIN = 20
"""A line at least this long that ends without punctuation is a wrapped paragraph line."""

_HEADER = re.compile(r"^\s*【([^】]{1,20})】")
_ENDS = "。！？!?；"
_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")


class UnreadableDocument(ValueError):
    """The file cannot be read as a report (unknown type, damaged, or no text in it)."""


def read_document(path: Path) -> str:
    """The text of a .txt (UTF-8), .docx (paragraphs and table cells) or .pdf (text layer).

    Raises :class:`UnreadableDocument` naming the file and what to do.
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableDocument(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".txt":
            text = path.read_text(encoding="utf-8")
        elif suffix == ".docx":
            text = _docx_text(path)
        elif suffix == ".pdf":
            text = _pdf_text(path)
        else:
            raise UnreadableDocument(
                f"{path}: unknown file type {suffix or '(none)'!r}; ingest reads "
                f"{', '.join(SUFFIXES)} — save the report as one of them")
    except UnicodeDecodeError as e:
        raise UnreadableDocument(f"{path}: not UTF-8 text ({e.reason}); re-save it as UTF-8") from e
    except UnreadableDocument:
        raise
    except Exception as e:  # damaged .docx / .pdf: the libraries raise many kinds
        raise UnreadableDocument(f"{path}: cannot read it as {suffix} ({e})") from e
    if not text.strip():
        raise UnreadableDocument(f"{path}: no text in it (a scanned PDF needs OCR first)")
    return text


def _docx_text(path: Path) -> str:
    import docx  # python-docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts) + "\n"


def _pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    return "\n".join(pages) + "\n"


@dataclass(frozen=True)
class Sentence:
    """A sentence of the report: its text offsets, the quote (line breaks removed) and the
    section header it stands under."""

    start: int
    end: int
    text: str
    header: str | None


def quote_of(raw: str) -> str:
    """The text as a seed quote: line breaks (and the spaces around them) removed, other
    characters kept. The quote check ignores whitespace, so it still stands in the document.

    >>> quote_of("通过集聚高端创新资\\n\\n源、搭建 全链条")
    '通过集聚高端创新资源、搭建 全链条'
    """
    return re.sub(r"[ \t\u3000]*\n\s*", "", raw).strip()


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order (see the module docstring)."""
    out: list[Sentence] = []
    header: str | None = None
    start = 0
    gap = ""  # whitespace since the last sentence

    def emit(end: int) -> None:
        nonlocal start, header, gap
        raw = text[start:end]
        start = end
        if not raw.strip():
            gap += raw
            return
        lead = len(raw) - len(raw.lstrip())
        if _BLANK_LINE.search(gap + raw[:lead]):
            header = None  # a new paragraph: the section header no longer applies
        gap = ""
        q = quote_of(raw)
        m = _HEADER.match(q)
        if m:
            header = m.group(1)
        out.append(Sentence(end - len(raw) + lead, end, q, header))

    for i, ch in enumerate(text):
        if ch in _ENDS:
            emit(i + 1)
        elif ch == "\n":
            line = text[text.rfind("\n", 0, i) + 1:i].strip()
            if not line:
                continue  # a blank line: decided at the line before it
            nxt = text[i:].lstrip()
            if len(line) < WRAP_MIN or line[-1] in _ENDS or nxt.startswith(("【", "★")):
                emit(i)
    emit(len(text))
    return out
