"""Imported by the parser processes' fork server only (collect/parser_server.py, never by the
process that collects): the boilerplate patterns English text needs, compiled once there,
so each worker it forks inherits them instead of compiling its own copy on first use (about
30 ms a worker, paid again in every collect). The Arabic strong cues (0.25 s) stay lazy:
only a worker that meets Arabic text pays for them."""

from __future__ import annotations

from digest.collect import boilerplate_phrases

ENGLISH = ("READER", "STRONG", "WEAK", "LABEL", "ONLY_LABEL", "QUOTED", "FOOTER", "TAIL_LABEL")

for _name in ENGLISH:
    getattr(boilerplate_phrases, _name)
