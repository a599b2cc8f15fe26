"""The settings a team chooses when it starts a monitor (`digest init`), each checked the way
`digest check` will check the settings file made from them, so a bad answer is asked again
at once instead of surfacing in the first build."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.config.schema import Invalid
from digest.config.taxonomy import DEFAULT_SECTIONS
from digest.errors import ConfigError
from digest.periods import WEEKDAYS

DEFAULT_KEYS = tuple(section["key"] for section in DEFAULT_SECTIONS)
_KEY = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class NewProject:
    name: str
    site_url: str  # without its trailing /
    timezone: str
    week_ends_on: str
    sections: tuple[str, ...]  # keys, in order; digest's defaults keep their keywords
    language: str


def name(value: Any) -> str:
    text = str(value or "").strip()
    if not text or any(c in text for c in "\r\n\x00"):
        raise Invalid("the monitor's name must be one line of text, e.g. 'Iraq Weekly Monitor'")
    return text


def site_url(value: Any) -> str:
    text = str(value or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"{text!r} is not an http(s) URL such as 'https://monitor.example.org'")
    return text.rstrip("/")


def timezone(value: Any) -> str:
    text = str(value or "").strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"unknown time zone {text!r}; use an IANA name such as 'Asia/Baghdad'"
        ) from None
    return text


def weekday(value: Any) -> str:
    text = str(value or "").strip().lower()
    if text not in WEEKDAYS:
        raise Invalid(f"{text!r} is not a weekday; use one of " + ", ".join(WEEKDAYS))
    return text


def sections(value: Any) -> tuple[str, ...]:
    """Keys separated by commas or spaces ("politics, security, health")."""
    parts = value if isinstance(value, Sequence) and not isinstance(value, str) else None
    keys = [
        k.strip().lower() for k in (parts or re.split(r"[,\s]+", str(value or ""))) if k.strip()
    ]
    if not keys:
        raise Invalid("give at least one section, e.g. " + ", ".join(DEFAULT_KEYS))
    bad = [k for k in keys if not _KEY.fullmatch(k) or k in ("key-takeaways", "incidents")]
    if bad:
        raise Invalid(
            f"section key {bad[0]!r} must be lowercase letters, digits or '-' (it becomes "
            "the HTML id) and not key-takeaways or incidents"
        )
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise Invalid(f"section {twice[0]!r} is given twice")
    return tuple(keys)


def language(value: Any) -> str:
    text = str(value or "").strip()
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*", text):
        raise Invalid(f"{text!r} is not a language tag such as 'en' or 'ar'")
    return text.lower()


# The answers, in the order `digest init` asks them: (field, option, check).
QUESTIONS: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("name", "--name", name),
    ("site_url", "--site-url", site_url),
    ("timezone", "--timezone", timezone),
    ("week_ends_on", "--week-ends-on", weekday),
    ("sections", "--sections", sections),
    ("language", "--language", language),
)


def new_project(**answers: Any) -> NewProject:
    """Every answer checked; ConfigError lists every bad one, each with its option."""
    checked, problems = {}, []
    for attribute, option, check in QUESTIONS:
        try:
            checked[attribute] = check(answers[attribute])
        except Invalid as exc:
            problems.append(f"{option}: {exc}")
    if problems:
        raise ConfigError(problems)
    return NewProject(**checked)
