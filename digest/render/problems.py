"""A problem found in an issue file, as the check reports it and its cache keeps it.

Apart from the judge (issue_check.py, which loads the Markdown parser and the text
readers): reading the verdicts kept for unchanged files, which `digest pdf` and `send`
do before they touch an issue, needs only this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: str  # as shown to the user
    line: int  # 1-based
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
