"""ChainAtlas queries."""
