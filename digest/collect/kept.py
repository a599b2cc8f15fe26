"""Imported first by the parser processes' fork server (collect/parser_server.py), never by
the process that collects: the dataclasses the server's imports make (the models', the
sanitizer's policy) come from the code digest's commands kept (digest/kept_code.py), as the
CLI's do, and what the server compiled anew is kept when it ends, after the collect (its
workers end without running the exit handlers they inherit)."""

from __future__ import annotations

import atexit

from digest import kept_code

kept_code.install()
atexit.register(kept_code.keep)
