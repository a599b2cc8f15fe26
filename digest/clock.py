"""The clock, the only one: SOURCE_DATE_EPOCH when set (reproducible runs), else the system's.

The `digest` command reads it and hands it (or this function) down; nothing in the pure
core reads the time on its own. The one other caller is the subscription service run by a
WSGI server (`digest.subscriptions.serve:wsgi_application()`), which has no command above it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from digest.errors import ConfigError


def now() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except ValueError:
            raise ConfigError(
                f"SOURCE_DATE_EPOCH: {epoch!r} is not a whole number of seconds"
            ) from None
    return datetime.now(UTC)


def frozen() -> bool:
    """Whether SOURCE_DATE_EPOCH holds the clock still."""
    return bool(os.environ.get("SOURCE_DATE_EPOCH"))
