"""httpx, imported without its command-line client.

httpx's package imports `httpx._main`, its `httpx` command, which imports rich's console,
progress bars and syntax highlighting, pygments' lexers and click. In `digest collect` that
was about 20 ms of CPU before the first fetch (importing digest.collect.http once the
settings are read: 48 ms, now 28; at a terminal the progress bar imports about half of it
anyway). httpx falls back to a stub `httpx.main` when that import fails (its CLI's extras
are optional), so an entry of None in sys.modules, which makes the import fail, leaves the
library whole. digest never runs httpx's command. An httpx already imported by then is
left as it is.
"""

import sys

sys.modules.setdefault("httpx._main", None)

import httpx  # noqa: E402  (after the entry above, which is the point)

__all__ = ["httpx"]
