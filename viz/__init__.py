"""ChainAtlas viz."""
