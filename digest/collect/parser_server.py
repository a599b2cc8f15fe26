"""The parser processes' fork server: what it imports before it forks a worker, and
starting it.

A module of its own, importing nothing of digest's, so that `digest collect` can start the
server first of all (cli/content.py): the server's imports (about 0.15 s) then run on the
other CPU while the collecting process does its own, instead of after them.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver

# What a worker needs, imported once by the fork server (with the patterns every worker
# compiles: collect/warm.py); the HTML page reader (BeautifulSoup) only when a source is an
# HTML page.
PARSERS = [
    "digest.collect.kept",
    "digest.collect.parsing",
    "digest.collect.detect",
    "digest.collect.normalize",
    "digest.collect.warm",
]
HTML_PARSER = "digest.collect.html"


def start_parsers(*, html: bool) -> None:
    """Start the fork server now, so that it imports the parsers while the caller does its
    own work: the first worker then forks at once. Starting it again changes nothing, and
    neither does `html` then: `digest collect` starts it without the page reader, which a
    worker imports when it meets a page."""
    forkserver_context(html)
    multiprocessing.forkserver.ensure_running()


def forkserver_context(html: bool) -> multiprocessing.context.BaseContext:
    """The context parser pools are made in; `html`: preload the HTML page reader too."""
    # The preload counts only for a fork server not yet running (one per process).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PARSERS + [HTML_PARSER] * html)
    return context
