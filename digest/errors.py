"""The errors digest raises. Only `digest.cli` turns them into messages and exit codes."""

from __future__ import annotations


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


class DraftExistsError(ContentError):
    """A draft would overwrite a file the editor has changed."""

    exit_code = 3


class RenderError(DigestError):
    """An output (site, PDF, email) could not be produced."""


class DeliveryError(DigestError):
    """Sending email failed, or cannot start (settings, server, subscriber list)."""


class SendLockedError(DeliveryError):
    """Another send of the same issue is running."""

    exit_code = 4


class TokenError(DigestError):
    """A signed link that is malformed, tampered with, made for something else, or expired."""


class DigestWarning(UserWarning):
    """Something odd that does not stop the run (the test suite treats it as an error)."""
