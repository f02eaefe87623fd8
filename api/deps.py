"""Dependency aliases for the routers (``StoreDep``, ``SettingsDep``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from chainatlas.graph.store import GraphStore
from chainatlas.settings import Settings


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
