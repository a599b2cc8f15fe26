"""The errors digest raises. Only `digest.cli` turns them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class DigestError(Exception):
    """A problem the user can act on; its message is one readable line, subject first."""

    exit_code = 1


class ConfigError(DigestError):
    """One or more settings are wrong; `problems` lists every one of them."""

    exit_code = 2

    def __init__(self, problems: list[str] | str, path: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.path = path
        where = f"{path}: " if path else ""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{where}{count} {noun} in the settings:\n  " + "\n  ".join(self.problems))


class FetchError(DigestError):
    """A source could not be fetched (network, HTTP status, size or time limit)."""


class ParseError(DigestError):
    """Fetched bytes are not a feed or page we can read."""


class StoreError(DigestError):
    """The SQLite store cannot be opened, migrated or written."""


class ContentError(DigestError):
    """An issue's Markdown or an input date is not usable."""


class IssueFileError(ContentError):
    """Issue files with errors (or, `strict`, warnings): nothing of them may be published.
    `problems` holds every problem found (issue_check.Problem: severity, file:line: what),
    warnings too, for the CLI to print one a line."""

    def __init__(self, problems: Sequence[Any], *, strict: bool = False):
        self.problems = list(problems)
        self.strict = strict
        refused = [p for p in self.problems if strict or p.severity == "error"]
        files = len({p.path for p in refused})
        noun = "problem" if len(refused) == 1 else "problems"
        super().__init__(
            f"{len(refused)} {noun} in {files} issue file{'s' if files != 1 else ''}"
            + (" (warnings count with --strict)" if strict else "")
            + "; nothing was published"
        )


class DraftExistsError(ContentError):
    """A draft would overwrite a file the editor has changed, so the file was kept. Not a
    failure: the CLI reports it as a note, with its own exit code for scripts."""

    exit_code = 3


class WriteError(DigestError):
    """A file could not be written (disk full, quota, no permission, read-only file
    system); `path` as shown. digest.files leaves the file as it was."""

    def __init__(self, message: str, path: str):
        self.path = path
        super().__init__(message)


class RenderError(DigestError):
    """An output (site, PDF, email) could not be produced."""


class DeliveryError(DigestError):
    """Sending email failed, or cannot start (settings, server, subscriber list)."""


class SendLockedError(DeliveryError):
    """Another send of the same issue is running."""

    exit_code = 4


class TokenError(DigestError):
    """A signed link that is malformed, tampered with, made for something else, or expired."""


class DeployError(DigestError):
    """The built site could not be published to DIGEST_DEPLOY (unreachable host, refused
    credentials, a missing tool); what arrived before the failure is named in the message."""


class SettingsNotEditable(DigestError):
    """digest will not change the settings file itself: it is not in a form it can edit
    safely, or the edited file did not validate (and was put back). `block` is the text to
    paste into DIGEST_SOURCES by hand instead; the message says which and why."""

    def __init__(self, message: str, block: str):
        self.block = block
        super().__init__(message)


class OpmlError(DigestError):
    """An OPML file that cannot be read: not well-formed XML, not OPML, or refused as
    unsafe (entity declarations); the message names the file."""
