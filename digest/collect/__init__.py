"""Collecting: fetch every source (feeds and feed-less pages), parse, clean and normalise its
items. Network and parsing only; the store keeps what this returns."""
