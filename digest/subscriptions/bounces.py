"""Bounces: delivery-status notifications read from a Maildir, scored the way Mailman does.

Each message in the Maildir's new/ and cur/ is read with flufl.bounce. A permanent failure
scores 1.0 for its address, a temporary one 0.5, at most once a day per address (the day
it is read, the day's highest); an address whose scores over 30 days pass
DIGEST_BOUNCE_THRESHOLD (5.0, Mailman's default) is marked bounced and never mailed again.
A read message moves to the Maildir's `.processed` folder; one that is no bounce (an
autoreply, spam, garbage) or names nobody we know moves to `.unrecognized`, for a person to
look at. Nothing in one message can stop the run.
"""

from __future__ import annotations

import logging
import mailbox
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

from flufl.bounce import all_failures

from digest.errors import DeliveryError
from digest.publish.send.roster import canonical
from digest.store import Store

log = logging.getLogger(__name__)
# flufl.bounce logs a traceback for each detector that trips on hostile mail; such mail is
# set aside with one line here, so its own log would only print tracebacks at the user.
logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)

HARD, SOFT = 1.0, 0.5


@dataclass
class BounceReport:
    read: int = 0
    counted: int = 0  # (address, day) scores recorded
    disabled: list[str] = field(default_factory=list)  # marked bounced by this run
    set_aside: list[str] = field(default_factory=list)  # "key: why"


def failures(message: Message) -> dict[str, float]:
    """{address: score} of the failures a bounce reports (empty: not a bounce we can read)."""
    temporary, permanent = all_failures(message)
    scores: dict[str, float] = {}
    for found, score in ((temporary, SOFT), (permanent, HARD)):
        for raw in found:
            address = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            address = address.strip().strip("<>")
            if "@" in address:
                key = canonical(address)
                scores[key] = max(scores.get(key, 0.0), score)
    return scores


def process_maildir(
    path: Path, store: Store, threshold: float, now: Callable[[], datetime]
) -> BounceReport:
    if not (path / "new").is_dir() or not (path / "cur").is_dir():
        raise DeliveryError(f"{path}: not a Maildir (no new/ and cur/ folders)")
    box = mailbox.Maildir(path, factory=None, create=False)
    done = box.add_folder("processed") if "processed" not in box.list_folders() else None
    done = done or box.get_folder("processed")
    aside = box.add_folder("unrecognized") if "unrecognized" not in box.list_folders() else None
    aside = aside or box.get_folder("unrecognized")
    report = BounceReport()
    for key in sorted(box.keys()):
        try:
            data = box.get_bytes(key)
        except (OSError, KeyError) as exc:
            report.set_aside.append(f"{key}: cannot be read: {exc}")
            continue
        report.read += 1
        target, why = _score(data, store, threshold, now, report)
        if why:
            report.set_aside.append(f"{key}: {why}")
        target_box = aside if target == "aside" else done
        target_box.add(data)  # the bytes as they came: a parsed copy could fail to write
        box.discard(key)
    return report


def _score(
    data: bytes, store: Store, threshold: float, now: Callable[[], datetime], report: BounceReport
) -> tuple[str, str]:
    try:
        message = message_from_bytes(data, policy=policy.compat32)
        scores = failures(message)
    except Exception as exc:  # flufl.bounce on hostile mail: set it aside, never stop
        return "aside", f"cannot be read as a bounce: {type(exc).__name__}: {exc}"
    if not scores:
        return "aside", "not a delivery-status notification digest can read"
    # The day it is read, not the Date it claims: a backlog, or forged reports with many
    # dates, count once a day like the rest.
    day = now().date().isoformat()
    known = False
    for key, score in sorted(scores.items()):
        marked = store.record_bounce(key, day, score, threshold, now())
        if marked is None:
            continue
        known = True
        report.counted += 1
        if marked:
            report.disabled.append(key)
            log.warning("%s: bounced too often: no more mail to this address", key)
    if not known:
        return "aside", f"names no subscriber ({', '.join(sorted(scores))})"
    return "done", ""
