"""The SQLite store (the only SQL in digest)."""

from digest.store.sqlite import SaveCounts, SourceState, Store

__all__ = ["SaveCounts", "SourceState", "Store"]
