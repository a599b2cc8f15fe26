"""The email edition: files, HTML and plain-text rendering, MIME, headers."""
