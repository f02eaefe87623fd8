"""The source documents ship with the seeds (``seeds/documents``), so a fresh clone checks
every quote and loads the full graph; the copy stays identical to ``../shared/sources``."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainatlas.loaders.validate import read_seeds
from chainatlas.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "seeds" / "documents"
SHARED = ROOT.parent / "shared" / "sources"


def test_the_documents_ship_with_the_seeds_and_are_the_default() -> None:
    assert Path(Settings.model_fields["sources_dir"].default).resolve() == SHIPPED.resolve()
    seeds, errors = read_seeds(ROOT / "seeds")
    assert not errors
    files = {it.model.file for it in seeds.items if it.kind == "document" and it.model.file}
    assert len(files) >= 5
    for f in files:
        assert (SHIPPED / f).is_file(), f"{f} is cited by seeds/documents.yaml but not shipped"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/sources is not beside this checkout")
def test_the_shipped_copy_is_identical_to_the_shared_originals() -> None:
    for original in sorted(SHARED.glob("*.txt")):
        copy = SHIPPED / original.name
        assert copy.is_file(), f"{original.name} is missing from seeds/documents"
        assert copy.read_bytes() == original.read_bytes(), (
            f"seeds/documents/{original.name} differs from ../shared/sources: copy it again")
