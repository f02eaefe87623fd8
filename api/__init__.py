"""ChainAtlas api."""
