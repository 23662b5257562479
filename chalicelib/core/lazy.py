"""Modules loaded on first use. A views module names the services it calls through lazy(),
so that registering its routes, which every cold start does for every blueprint, imports
none of them: the first request that reaches one of its views does. (importlib's LazyLoader
cannot serve: `from package import module` touches the module and loads it at once.)

    if TYPE_CHECKING:
        from chalicelib.admin import users
    else:
        users = lazy("chalicelib.admin.users")
"""
from __future__ import annotations

import importlib
from typing import Any


class _Lazy:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


def lazy(name: str) -> Any:
    """A stand-in for the module `name` that imports it when an attribute is first read."""
    return _Lazy(name)
