"""One module of glue per verb (draft, build, send, check): I/O at the edges."""
