"""The SQLite store (the only SQL in digest).

Its names are looked up in store/items.py when first used, so that importing a module of
the package (the parser processes import store/keys.py) does not import SQLite and the
store with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digest.store.items import FetchRecord, SaveCounts, SourceState, Store

__all__ = ["FetchRecord", "SaveCounts", "SourceState", "Store"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from digest.store import items

        return getattr(items, name)
    raise AttributeError(f"module 'digest.store' has no attribute {name!r}")
