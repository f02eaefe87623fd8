"""Graph model and stores (embedded FalkorDB, Neo4j)."""
