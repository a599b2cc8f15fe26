"""How a setting is declared and read: one declaration holds its name, default, help and check.

A settings class declares each field with `setting()` (mkdocs' config_options, as dataclass
fields): the field's name and annotation say where the value goes and its type, the
declaration says which DIGEST_* setting it comes from, its default, its one-line help and the
check that turns what pelican.conf.py holds into that value. A field made with `group()` is
a nested settings class, read the same way. `read()` walks the declarations in order and
collects every problem, so the user sees them all at once.

A check takes (value, reading) and returns the value digest uses, or raises Invalid with what
is wrong (the setting's name is put in front). A check whose value has parts (a list of
sources) reports each part's problem itself, with `reading.problems`, and returns the parts
that are good: later settings may depend on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

Check = Callable[[Any, "Reading"], Any]
_DECLARED = "digest.config"  # the key of a field's metadata that holds its declaration


class Invalid(ValueError):
    """What is wrong with a setting's value, one problem an argument, without its name."""


@dataclass
class Reading:
    """One validation: the settings as written, where the config lives, what was found."""

    raw: Mapping[str, Any]
    root: Path
    defaults: Mapping[str, Any]
    compile_selectors: bool = True
    problems: list[str] = field(default_factory=list)
    checked: dict[str, Any] = field(default_factory=dict)  # setting name: its checked value

    def value(self, name: str) -> Any:
        """A setting as written in pelican.conf.py, or its declared default."""
        return self.raw.get(name, self.defaults[name])


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any  # as it would be written in pelican.conf.py
    help: str
    check: Check

    def read(self, reading: Reading) -> Any:
        try:
            value = self.check(reading.value(self.name), reading)
        except Invalid as exc:
            reading.problems.extend(f"{self.name}: {problem}" for problem in exc.args)
            return None
        reading.checked[self.name] = value
        return value


@dataclass(frozen=True)
class Group:
    """A nested settings class; `when` says whether it is wanted (None is its value if not)."""

    kind: Callable[..., Any]
    declared: Mapping[str, Setting | Group]  # attribute: declaration, in the order checked
    when: Callable[[Reading], bool] | None = None

    def read(self, reading: Reading) -> Any:
        if self.when is not None and not self.when(reading):
            return None
        values = read(self.declared, reading)
        # A broken setting has no value to build with, and validate() raises anyway.
        return None if reading.problems else self.kind(**values)


def setting(name: str, default: Any, help: str, check: Check, **options: Any) -> Any:
    """A dataclass field read from the setting `name`; `options` as for dataclasses.field."""
    return field(metadata={_DECLARED: Setting(name, default, help, check)}, **options)


def group(
    kind: type,
    *,
    when: Callable[[Reading], bool] | None = None,
    declared: Mapping[str, Setting | Group] | None = None,
) -> Any:
    """A dataclass field holding a nested settings class; `declared` for a class that does
    not declare its own fields (models.DraftOptions belongs to the pure core)."""
    return field(metadata={_DECLARED: Group(kind, declared or declarations(kind), when)})


def declarations(kind: type) -> dict[str, Setting | Group]:
    """The declared fields of a settings class, in order; the others are filled otherwise."""
    return {f.name: f.metadata[_DECLARED] for f in fields(kind) if _DECLARED in f.metadata}


def read(declared: Mapping[str, Setting | Group], reading: Reading) -> dict[str, Any]:
    """Each declared attribute's checked value (None where broken), checking in order."""
    return {attribute: entry.read(reading) for attribute, entry in declared.items()}


def walk(declared: Mapping[str, Setting | Group]) -> Iterator[Setting]:
    """Every setting declared, nested groups' included, in the order they are checked."""
    for entry in declared.values():
        if isinstance(entry, Group):
            yield from walk(entry.declared)
        else:
            yield entry


# Checks that several settings share.


def optional(check: Check) -> Check:
    """None stays None (the setting is off); anything else must pass `check`."""

    def checked(value: Any, reading: Reading) -> Any:
        return None if value is None else check(value, reading)

    return checked


def number(low: float, high: float, kind: type[float] | type[int] = float) -> Check:
    """A number from low to high, as `kind`: a limit compared with sizes is whole bytes."""

    def checked(value: Any, reading: Reading) -> float:
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not numeric or not low <= value <= high:
            raise Invalid(f"must be a number from {low:g} to {high:g}, got {value!r}")
        return kind(value)

    return checked


def one_of(*choices: str, quoted: bool = False) -> Check:
    listed = ", ".join(map(repr, choices) if quoted else choices)

    def checked(value: Any, reading: Reading) -> str:
        if value not in choices:
            raise Invalid(f"{value!r} is not one of {listed}")
        return str(value)

    return checked


def flag(value: Any, reading: Reading) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be True or False")
    return value


def project_path(what: str) -> Check:
    """A path relative to the config file: `what` is "file" or "folder", for the message."""

    def checked(value: Any, reading: Reading) -> Path:
        if not isinstance(value, (str, Path)) or not str(value).strip():
            raise Invalid(f"must be a {what} path")
        return (reading.root / str(value)).resolve()

    return checked


def existing_file(value: Any, reading: Reading) -> Path | None:
    """The file a setting names, relative to the config; None if there is no such file."""
    if not isinstance(value, (str, Path)) or not (reading.root / str(value)).is_file():
        return None
    return (reading.root / str(value)).resolve()
