"""The house's rule: imports point down the layers and close no circle.

Every module of digest/ is read as text (nothing is imported or run) and each import of a
digest module, at the top or inside a function, is an arrow. A layer may use the layers
below it and itself; an arrow up, or a circle of modules, fails with the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "digest"

# Lowest first. A module belongs to the longest prefix listed.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "ground",
        (
            "digest",
            "digest.errors",
            "digest.models",
            "digest.periods",
            "digest.stamps",
            "digest.files",
            "digest.lifeline",
            "digest.heap",
            "digest.kept_patterns",
            "digest.kept_code",
            "digest.user_cache",
            "digest.clock",
            "digest.data",
        ),
    ),
    ("text", ("digest.text",)),
    ("config", ("digest.config",)),
    ("issues", ("digest.issues",)),
    ("render", ("digest.render",)),
    ("store", ("digest.store",)),
    ("collect", ("digest.collect",)),
    ("publish", ("digest.publish", "digest.pelican_plugin")),
    ("subscriptions", ("digest.subscriptions",)),
    ("commands", ("digest.commands",)),
    ("cli", ("digest.cli", "digest.__main__")),
)
RANK = {prefix: rank for rank, (_, prefixes) in enumerate(LAYERS) for prefix in prefixes}
NAMES = [name for name, _ in LAYERS]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    # "digest" is the package's face only: its modules each name their own layer.
    prefixes = [p for p in RANK if module == p or (p != "digest" and module.startswith(p + "."))]
    if not prefixes:
        raise AssertionError(f"{module}: in no layer; add its package to LAYERS in {__file__}")
    return RANK[max(prefixes, key=len)]


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def arrows(known: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(importer, imported module, line) for every import of a digest module."""
    found = []
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == "digest" or node.module.startswith("digest."):
                    for alias in node.names:  # `from digest.x import y`: y may be a module
                        full = f"{node.module}.{alias.name}"
                        targets.append(full if full in known else node.module)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.split(".")[0] == "digest"]
            found += [(name, t, node.lineno) for t in targets if t != name]
    return sorted(set(found))


def test_every_module_is_in_a_layer():
    for name in modules():
        layer(name)


def test_imports_only_point_down():
    known = modules()
    up = [
        f"{known[a].relative_to(ROOT)}:{line}: {a} ({NAMES[layer(a)]}) imports {b} "
        f"({NAMES[layer(b)]}, a layer above)"
        for a, b, line in arrows(known)
        if layer(b) > layer(a)
    ]
    assert not up, "\n".join(up)


def test_no_module_imports_its_own_package():
    """A package's face (__init__) gathers its modules; a module taking helpers from it
    closes a circle (cli/mail.py reaching into cli/__init__.py for private helpers)."""
    known = modules()
    inward = [
        f"{known[a].relative_to(ROOT)}:{line}: {a} imports its own package {b}"
        for a, b, line in arrows(known)
        if a.startswith(b + ".") and b != "digest"
    ]
    assert not inward, "\n".join(inward)


def test_no_circle_of_imports():
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for a, b, _ in arrows(known):
        # A package's face importing its own modules is how a package is made; the other
        # way round is test_no_module_imports_its_own_package's.
        if b in graph and not b.startswith(a + "."):
            graph[a].add(b)
    circles = _strongly_connected(graph)
    assert not circles, "\n".join(" -> ".join(sorted(c)) for c in circles)


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm; components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("digest.store.items", "digest.collect.identity"),  # the store reaching up to collect
        ("digest.config.send", "digest.publish.send.smtp"),  # settings reaching into sending
        ("digest.pelican_plugin.incremental", "digest.commands.build"),
        ("digest.render.edition", "digest.store"),
        ("digest.issues.compose", "digest.render.edition"),
    ],
)
def test_a_back_edge_would_be_caught(importer, imported):
    """The rule itself can fail: each of these arrows, were it written, points up."""
    assert layer(imported) > layer(importer)


def test_a_circle_would_be_caught():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _strongly_connected(graph) == [{"a", "b", "c"}]
