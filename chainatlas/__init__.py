"""ChainAtlas (链图): Jinan's "13+34" industrial chains as a knowledge graph."""

from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout this package was installed from (editable installs)."""
