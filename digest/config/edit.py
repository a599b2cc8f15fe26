"""Add sources to the settings file by inserting text into it, never by rewriting it.

pelican.conf.py belongs to its editor: comments, blank lines, order, quoting and encoding
are theirs. `add_sources` finds the one `DIGEST_SOURCES = [...]` list literal with `ast`,
inserts the new entries before its closing bracket in the style of the entries already
there (indentation, quotes, one key a line or all on one line, trailing commas), and
leaves every other byte as it was. With no DIGEST_SOURCES at all, it appends one.

Python can build a list in ways no text edit can follow; then it refuses, saying which,
and the caller prints the block to paste instead (SettingsNotEditable): DIGEST_SOURCES
assigned twice, assigned something other than a list of dict literals (a comprehension, a
call, a `+`, a name), changed after it is set (`.append`, `+=`, `[i] =`), set inside an
`if` or a function, or a file that is not valid Python.

Pure: bytes in, bytes out. Writing the file, checking the settings still load and putting
the old bytes back when they do not is the caller's (digest/commands/sources.py).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from digest.errors import SettingsNotEditable

NAME = "DIGEST_SOURCES"
Refuse = Callable[[str], SettingsNotEditable]  # makes the error for one reason
KEY_ORDER = ("name", "url", "kind", "section", "language", "domains", "selectors", "enabled")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_STRING_PREFIX = re.compile(r"[rRbBuUfF]*")
_OPERATORS = {ast.Add: "+", ast.Mult: "*", ast.Sub: "-", ast.BitOr: "|"}
_READ_ONLY_METHODS = frozenset({"copy", "count", "index", "get", "keys", "values", "items"})
_ENCLOSING = {
    ast.If: "an `if` block",
    ast.For: "a `for` loop",
    ast.AsyncFor: "a `for` loop",
    ast.While: "a `while` loop",
    ast.With: "a `with` block",
    ast.AsyncWith: "a `with` block",
    ast.Try: "a `try` block",
    ast.FunctionDef: "a function",
    ast.AsyncFunctionDef: "a function",
    ast.ClassDef: "a class",
    ast.Match: "a `match` block",
}
if hasattr(ast, "TryStar"):  # Python 3.11+
    _ENCLOSING[ast.TryStar] = "a `try` block"


@dataclass(frozen=True)
class _Style:
    """How the entries already in the list are written."""

    indent: str = "    "  # before an entry's first line
    inner: str = "        "  # before a key of a multi-line entry
    close: str = "    "  # before the closing brace of a multi-line entry
    quote: str = '"'
    multiline: bool = True  # one key a line, or the whole entry on one line
    trailing_comma: bool = True  # after a multi-line entry's last value
    newline: str = "\n"


def add_sources(data: bytes, entries: Sequence[Mapping[str, object]], *, where: str) -> bytes:
    """`data` (the settings file's bytes) with `entries` added to DIGEST_SOURCES; raise
    SettingsNotEditable (naming `where`, with the block to paste) when it cannot be done
    safely."""
    block = paste_block(entries)

    def refuse(reason: str) -> SettingsNotEditable:
        return SettingsNotEditable(
            f"{where}: left as it was, since {reason}; paste the entries printed above into "
            f"{NAME} yourself",
            block,
        )

    encoding, text = _decode(data, refuse)
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise refuse(f"it is not valid Python (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:  # a NUL byte in the source
        raise refuse(f"it is not valid Python ({exc})") from None
    newline = m.group(0) if (m := _LINE_BREAK.search(text)) else "\n"
    target = _the_list(tree, refuse)
    if target is None:
        edited = _appended(text, entries, newline)
    else:
        edited = _Editor(text, target, newline).insert(entries)
    # Every character the file's encoding lacks is in a new string literal (the rest came
    # from the file), where the escape backslashreplace writes means the same character.
    result = edited.encode(encoding, errors="backslashreplace")
    _check(result.decode(encoding), target, entries, refuse)
    return result


def paste_block(entries: Sequence[Mapping[str, object]]) -> str:
    """The entries as they go inside DIGEST_SOURCES = [...], in the sample's style."""
    style = _Style()
    return "\n".join(_lines(entries, style)) + "\n"


# --------------------------------------------------------------------------- finding the list


def _decode(data: bytes, refuse: Refuse) -> tuple[str, str]:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        try:  # no declaration, and the first lines are not UTF-8 either
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise refuse(f"it is not valid utf-8 (byte {bad.start})") from None
        raise refuse(f"it has a coding declaration Python cannot use ({exc})") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise refuse(f"it is not valid {encoding} (byte {exc.start})") from None
    if text.encode(encoding) != data:  # it could not be written back byte for byte
        raise refuse(f"it does not read back byte for byte in its encoding ({encoding})")
    return encoding, text


def _the_list(tree: ast.Module, refuse: Refuse) -> ast.List | None:
    """The list literal assigned to DIGEST_SOURCES, once, at the top level; None when the
    file never sets it (an assignment may be appended); refuse() every other shape."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    binds: list[ast.AST] = []
    changes: list[tuple[int, str]] = []
    stars: list[ast.ImportFrom] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            stars.append(node)
        binds += _binds(node)
        if change := _change(node):
            changes.append(change)
    if changes:
        line, what = min(changes)
        raise refuse(f"{what} on line {line} changes {NAME} after it is set")
    if not binds:
        if stars:
            raise refuse(
                f"it has no {NAME} of its own but imports * from {_module(stars[0])} (line "
                f"{stars[0].lineno}), which may set it"
            )
        return None
    if len(binds) > 1:
        lines = ", ".join(str(line) for line in sorted(getattr(b, "lineno", 0) for b in binds))
        raise refuse(f"{NAME} is set {len(binds)} times (lines {lines})")
    bind = binds[0]
    statement = bind
    while not isinstance(statement, ast.stmt) and statement in parents:
        statement = parents[statement]
    if statement not in tree.body:
        raise refuse(f"{NAME} is set inside {_enclosing(statement, parents)}")
    simple = isinstance(statement, ast.Assign) and statement.targets == [bind]
    annotated = isinstance(statement, ast.AnnAssign) and statement.value is not None
    if simple or annotated:
        value = statement.value
    elif isinstance(statement, ast.Assign):
        raise refuse(
            f"{NAME} is set together with other names (line {statement.lineno}): the edit "
            "would change them too"
        )
    else:
        raise refuse(f"{NAME} is set by {_statement(statement)} (line {statement.lineno})")
    later = [s for s in stars if s.lineno > statement.lineno]
    if later:
        raise refuse(
            f"it imports * from {_module(later[0])} (line {later[0].lineno}) after setting "
            f"{NAME}, which may set it again"
        )
    _check_value(value, refuse)
    assert isinstance(value, ast.List)
    return value


def _binds(node: ast.AST) -> list[ast.AST]:
    """The nodes by which `node` gives DIGEST_SOURCES a new value."""
    if isinstance(node, ast.Name):
        named = node.id == NAME and isinstance(node.ctx, ast.Store | ast.Del)
    elif isinstance(node, ast.alias):
        named = (node.asname or node.name.split(".")[0]) == NAME
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        named = node.name == NAME
    elif isinstance(node, ast.Global | ast.Nonlocal):
        named = NAME in node.names
    else:
        named = False
    return [node] if named else []


def _change(node: ast.AST) -> tuple[int, str] | None:
    """(line, what) when `node` changes the list in place: `+=`, `[i] = …`, `.append(…)`."""
    if isinstance(node, ast.AugAssign) and _rooted(node.target):
        operator = _OPERATORS.get(type(node.op), "")
        return node.lineno, f"{ast.unparse(node.target)} {operator}= …"
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    elif isinstance(node, ast.Delete):
        targets = node.targets
    for target in targets:
        if isinstance(target, ast.Subscript | ast.Attribute) and _rooted(target):
            shown = _shorter(ast.unparse(target))
            if isinstance(node, ast.Delete):
                return node.lineno, f"del {shown}"
            return node.lineno, f"{shown} = …"
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr not in _READ_ONLY_METHODS
        and _rooted(node.func.value)
    ):
        return node.lineno, f"{_shorter(ast.unparse(node.func))}(…)"
    return None


def _shorter(code: str, limit: int = 40) -> str:
    return code if len(code) <= limit else code[: limit - 1] + "…"


def _rooted(node: ast.AST) -> bool:
    """Whether `node` is DIGEST_SOURCES itself or a part of it (`DIGEST_SOURCES[0]["url"]`)."""
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id == NAME


def _check_value(value: ast.expr, refuse: Refuse) -> None:
    shapes = {
        ast.ListComp: "a list comprehension",
        ast.Call: "the result of a call",
        ast.BinOp: "an expression (an operator such as `+`)",
        ast.Name: "another name",
        ast.Tuple: "a tuple (write it as a list, [...])",
        ast.IfExp: "a conditional expression",
        ast.Subscript: "a part of something else",
        ast.Attribute: "an attribute of something else",
    }
    if not isinstance(value, ast.List):
        shape = next((v for k, v in shapes.items() if isinstance(value, k)), "an expression")
        raise refuse(f"{NAME} is set to {shape} on line {value.lineno}, not a list of dicts")
    for index, element in enumerate(value.elts):
        if isinstance(element, ast.Starred):
            raise refuse(f"{NAME}[{index}] (line {element.lineno}) unpacks another list (*…)")
        if not isinstance(element, ast.Dict):
            raise refuse(f"{NAME}[{index}] (line {element.lineno}) is not a {{...}} dict")
        if any(key is None for key in element.keys):
            raise refuse(f"{NAME}[{index}] (line {element.lineno}) unpacks another dict (**…)")


def _enclosing(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    while node in parents:
        node = parents[node]
        for kind, shown in _ENCLOSING.items():
            if isinstance(node, kind):
                return f"{shown} (line {getattr(node, 'lineno', '?')})"
    return "another statement"


def _statement(node: ast.AST) -> str:
    names = {
        ast.Import: "an import",
        ast.ImportFrom: "an import",
        ast.alias: "an import",
        ast.For: "a `for` loop",
        ast.With: "a `with` statement",
        ast.Delete: "`del`",
        ast.FunctionDef: "a function definition",
        ast.ClassDef: "a class definition",
        ast.Global: "a `global` statement",
    }
    return next((v for k, v in names.items() if isinstance(node, k)), "a statement")


def _module(node: ast.ImportFrom) -> str:
    return "." * node.level + (node.module or "")


# --------------------------------------------------------------------------- editing


class _Editor:
    """Inserts entries before the closing bracket of one list literal in `text`."""

    def __init__(self, text: str, target: ast.List, newline: str):
        self.text = text
        self.target = target
        self.newline = newline
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def insert(self, entries: Sequence[Mapping[str, object]]) -> str:
        target = self.target
        close = self.offset(target.end_lineno, target.end_col_offset) - 1  # the "]"
        style = self.style()
        if target.elts:
            after = self.offset(target.elts[-1].end_lineno, target.elts[-1].end_col_offset)
        else:
            after = self.offset(target.lineno, target.col_offset) + 1  # just past the "["
        has_comma = _gap_has_comma(self.text, after, close)
        line_start = self.line_start(close)
        own_line = not self.text[line_start:close].strip()
        if own_line:
            # `]` on a line of its own: the new entries become whole lines above it.
            piece = self.newline.join(_lines(entries, style)) + self.newline
            comma = "," if target.elts and not has_comma else ""
            text = self.text
            return text[:after] + comma + text[after:line_start] + piece + text[line_start:]
        if not target.elts:  # `[]` on one line: open it up, one entry a line
            indent = self.indentation(close)
            lines = _lines(entries, style)
            piece = self.newline + self.newline.join(lines) + self.newline + indent
            return self.text[:close] + piece + self.text[close:]
        # `…}]` or a list on one line: the new entries go on the same line, each on one line.
        flat = [_render(entry, _Style(quote=style.quote, multiline=False))[0] for entry in entries]
        if has_comma:
            space = "" if self.text[close - 1].isspace() else " "
            piece = space + ", ".join(flat) + ","
        else:
            piece = ", " + ", ".join(flat)
        return self.text[:close] + piece + self.text[close:]

    def style(self) -> _Style:
        """The style of the last entry (the one the new ones follow), else the sample's."""
        target = self.target
        newline = self.newline
        if not target.elts:  # as indented as a comment inside it, else one level in
            close = self.offset(target.end_lineno, target.end_col_offset) - 1
            inside = self.text[self.offset(target.lineno, target.col_offset) + 1 : close]
            indent = _comment_indent(inside)
            if indent is None:
                indent = self.indentation(close) + "    "
            return _Style(indent, indent + "    ", indent, newline=newline)
        model = target.elts[-1]
        assert isinstance(model, ast.Dict)
        start = self.offset(model.lineno, model.col_offset)
        indent = self.indentation(start)
        if self.text[self.line_start(start) : start].strip():  # not first on its line
            indent = self.indentation(self.offset(target.end_lineno, target.end_col_offset) - 1)
            indent += "    "
        quote = '"'
        for key in model.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                at = self.offset(key.lineno, key.col_offset)
                literal = self.text[at : at + 8]
                prefix = _STRING_PREFIX.match(literal)
                quote = literal[prefix.end() if prefix else 0]
                break
        multiline = model.lineno != model.end_lineno
        if not multiline or not model.keys or model.keys[0] is None:
            return _Style(indent, indent + "    ", indent, quote, multiline, True, newline)
        first_key = model.keys[0]
        key_at = self.offset(first_key.lineno, first_key.col_offset)
        inner = self.indentation(key_at)
        if self.text[self.line_start(key_at) : key_at].strip():  # `{"name": …` on one line
            inner = indent + "    "
        end = self.offset(model.end_lineno, model.end_col_offset) - 1  # the "}"
        close = self.indentation(end)
        last_value = model.values[-1]
        value_end = self.offset(last_value.end_lineno, last_value.end_col_offset)
        trailing = _gap_has_comma(self.text, value_end, end)
        return _Style(indent, inner, close, quote, True, trailing, newline)

    def offset(self, line: int | None, column: int | None) -> int:
        """ast's (line, UTF-8 byte column) as an index into the text."""
        start = self.starts[(line or 1) - 1]
        end = self.starts[line] if line is not None and line < len(self.starts) else None
        raw = self.text[start:end].encode("utf-8")[: column or 0]
        return start + len(raw.decode("utf-8", errors="ignore"))

    def line_start(self, index: int) -> int:
        return max(s for s in self.starts if s <= index)

    def indentation(self, index: int) -> str:
        start = self.line_start(index)
        line = self.text[start:index]
        return line[: len(line) - len(line.lstrip(" \t"))]


def _gap_has_comma(text: str, start: int, end: int) -> bool:
    """Whether a comma stands between two positions that hold only white space, comments
    and commas (the end of the last entry and the closing bracket)."""
    index = start
    while index < end:
        char = text[index]
        if char == "#":
            newline = _LINE_BREAK.search(text, index, end)
            index = newline.end() if newline else end
            continue
        if char == ",":
            return True
        index += 1
    return False


def _comment_indent(inside: str) -> str | None:
    """The indentation of the first comment on a line of its own in `inside` (the text
    between an empty list's brackets; its first line is the bracket's own)."""
    for line in _LINE_BREAK.split(inside)[1:]:
        if line.lstrip(" \t").startswith("#"):
            return line[: len(line) - len(line.lstrip(" \t"))]
    return None


def _appended(text: str, entries: Sequence[Mapping[str, object]], newline: str) -> str:
    style = _Style(newline=newline)
    lines = [f"{NAME} = [", *_lines(entries, style), "]"]
    if not text.strip() or text.endswith(newline * 2):
        separator = ""
    elif text.endswith(("\n", "\r")):
        separator = newline  # one blank line between the file and the new setting
    else:
        separator = newline * 2
    return text + separator + newline.join(lines) + newline


def _lines(entries: Sequence[Mapping[str, object]], style: _Style) -> list[str]:
    """The entries' lines as they stand in the list: indented, each followed by a comma."""
    lines = []
    for entry in entries:
        rendered = _render(entry, style)
        rendered[0] = style.indent + rendered[0]
        rendered[-1] += ","
        lines += rendered
    return lines


def _render(entry: Mapping[str, object], style: _Style) -> list[str]:
    """One entry's lines: the first without the entry's indentation, the others with it."""
    keys = sorted(entry, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER))
    pairs = [f"{_literal(key, style.quote)}: {_value(entry[key], style.quote)}" for key in keys]
    if not style.multiline:
        return ["{" + ", ".join(pairs) + "}"]
    body = [style.inner + pair + "," for pair in pairs]
    if not style.trailing_comma:
        body[-1] = body[-1][:-1]
    return ["{", *body, style.close + "}"]


def _value(value: object, quote: str) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, str):
        return _literal(value, quote)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v, quote) for v in value) + "]"
    if isinstance(value, Mapping):
        pairs = (f"{_value(k, quote)}: {_value(v, quote)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(f"cannot write {type(value).__name__} into the settings")


def _literal(text: str, quote: str) -> str:
    """A Python string literal for `text` in `quote`s. Letters of any script stay as they
    are; what would not show (a line break, a bidi control, a no-break space) is escaped."""
    out = []
    for char in text:
        if char in ("\\", quote):
            out.append("\\" + char)
        elif char.isprintable() and (char.isascii() or not char.isspace()):
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return quote + "".join(out) + quote


def _check(
    edited: str, target: ast.List | None, entries: Sequence[Mapping[str, object]], refuse: Refuse
) -> None:
    """The edit did what it says: the file still parses, and its DIGEST_SOURCES now ends
    with exactly the new entries after the ones it had."""
    try:
        tree = ast.parse(edited)
        found = _the_list(tree, refuse)
    except (SyntaxError, SettingsNotEditable):
        found = None
    had = len(target.elts) if target is not None else 0
    if found is None or len(found.elts) != had + len(entries):
        raise refuse("digest could not make an edit it could check")
    try:
        added = [ast.literal_eval(element) for element in found.elts[had:]]
    except ValueError:
        raise refuse("digest could not make an edit it could check") from None
    wanted = [{k: list(v) if isinstance(v, tuple) else v for k, v in e.items()} for e in entries]
    if added != wanted:
        raise refuse("digest could not make an edit it could check")
