"""The seed format documentation shows a valid example of every kind (staff copy from it)."""

from __future__ import annotations

from pathlib import Path

from chainatlas.loaders.schema import SECTIONS
from chainatlas.loaders.yaml_lines import parse_yaml

README = Path(__file__).resolve().parent.parent / "seeds" / "README.md"


def _example() -> dict:
    text = README.read_text(encoding="utf-8")
    block = text[text.index("```yaml") + len("```yaml"):]
    data, _ = parse_yaml(block[: block.index("```")], str(README))
    return data


def test_readme_has_an_example_of_every_section() -> None:
    assert set(_example()) == set(SECTIONS)


def test_every_readme_example_validates() -> None:
    for section, items in _example().items():
        assert items, section
        for item in items:
            SECTIONS[section].model_validate(item)  # raises with the field on a bad example
