"""All settings in one pydantic-settings class, read from the environment.

``CHAINATLAS_*`` variables configure the project; the ``NEO4J_*`` variables choose and configure
the Neo4j store (the embedded FalkorDB store is used when ``NEO4J_URI`` is unset).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from chainatlas import PROJECT_ROOT


class Settings(BaseSettings):
    """ChainAtlas configuration (environment variables, see README)."""

    model_config = SettingsConfigDict(env_prefix="CHAINATLAS_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Embedded store directory")
    seeds_dir: Path = Field(PROJECT_ROOT / "seeds", description="Seed YAML directory")
    sources_dir: Path = Field(
        PROJECT_ROOT / "seeds" / "documents",
        description="Source documents (quote check; a copy of ../shared/sources ships here)"
    )
    quote_check: bool = Field(
        True, description="Refuse to load seeds when the source documents are missing")
    start_timeout: float | None = Field(
        None, description="Seconds to wait for the embedded store to open (default: by size)")
    graph_name: str = Field("chainatlas", description="Graph (FalkorDB key / Neo4j label space)")
    host: str = "127.0.0.1"
    port: int = 8000
    load_on_start: bool = Field(True, description="serve loads the seeds when the store is empty")
    query_timeout_ms: int = Field(10_000, description="Timeout of API queries")
    batch_size: int = Field(500, description="Rows per UNWIND batch when loading")
    cypher_console: bool = Field(False, description="Enable POST /cypher")
    api_key: SecretStr | None = Field(None, description="API key for POST /cypher")
    cypher_row_cap: int = Field(1000, description="Row cap of POST /cypher")
    cypher_timeout_ms: int = Field(5_000, description="Timeout of POST /cypher")
    render_slots: int = Field(
        4, description="Pictures/briefs drawn or waiting at once; more get 503 + Retry-After")

    neo4j_uri: str | None = Field(None, validation_alias=AliasChoices("NEO4J_URI"))
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "NEO4J_USERNAME"))
    neo4j_password: SecretStr = Field(
        SecretStr("neo4j"), validation_alias=AliasChoices("NEO4J_PASSWORD")
    )
    neo4j_database: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_DATABASE"))

    @property
    def store_kind(self) -> str:
        return "neo4j" if self.neo4j_uri else "falkordb"


@lru_cache
def get_settings() -> Settings:
    return Settings()
