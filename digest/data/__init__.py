"""Data files shipped with digest: gazetteers and glossaries."""
