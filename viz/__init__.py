"""ChainAtlas viz: neighbourhood pages, chain maps, still pictures and briefing packs.

Modules: :mod:`fonts` (CJK font), :mod:`style` (kind colours, shapes, legend), :mod:`data`
(subgraphs and chain maps read from the store), :mod:`layout` (deterministic positions),
:mod:`interactive` (self-contained HTML), :mod:`still` (SVG/PNG), :mod:`brief` (the pack).
"""
