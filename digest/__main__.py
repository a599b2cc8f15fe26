"""The `digest` program: the `digest` command and `python -m digest`.

`digest collect` starts its parsers' fork server before anything else is imported, from
the command line as written: the server's own start and imports (about 0.2 s) then run on
the other CPU while this process imports the CLI and reads the settings, and the first
parse waits for neither. A command line that only looks like a collect (`digest collect
--help`) starts a server that ends, unused, with the process. The collect command starts
the server itself too (the tests and benchmarks call the CLI's group directly), which does
nothing when it runs already.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

# The group's options that take a value (digest/cli/__init__.py), in the form that gives it
# as the next argument.
_WITH_VALUE = frozenset({"--config"})


def command(args: Sequence[str]) -> str | None:
    """The command a command line names: its first argument that is neither an option nor
    an option's value; None when there is none."""
    value_next = False
    for arg in args:
        if value_next:
            value_next = False
        elif arg in _WITH_VALUE:
            value_next = True
        elif not arg.startswith("-"):
            return arg
    return None


def main() -> None:
    if command(sys.argv[1:]) == "collect":
        from digest.collect.parser_server import start_parsers

        start_parsers(html=False)
    from digest.cli import run

    run()


if __name__ == "__main__":
    main()
