"""Seed loading: YAML with line numbers → pydantic validation → graph rows → store."""
