"""Dependency aliases for the routers (``StoreDep``, ``SettingsDep``, ``CacheDep``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from chainatlas.api.cache import GraphCache
from chainatlas.graph.store import GraphStore
from chainatlas.settings import Settings


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_cache(request: Request) -> GraphCache:
    return request.app.state.cache


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CacheDep = Annotated[GraphCache, Depends(get_cache)]
