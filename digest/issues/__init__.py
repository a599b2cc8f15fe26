"""Drafting an issue from stored items: pure functions, no I/O, an explicit clock."""
