"""The SQLite store (the only SQL in digest)."""

from digest.store.items import FetchRecord, SaveCounts, SourceState, Store

__all__ = ["FetchRecord", "SaveCounts", "SourceState", "Store"]
