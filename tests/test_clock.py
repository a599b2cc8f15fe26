"""The one clock (digest/cli/output.py): SOURCE_DATE_EPOCH when set, else the system's;
read by the command and handed down, to the build's Pelican run and to a send's journal."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

from click.testing import CliRunner
from pelican import signals

from digest.cli import main
from tests.conftest import FROZEN, SAMPLE_EPOCH, run_cli
from tests.support.smtp_server import smtp_server

LATER = str(int(FROZEN.timestamp()) + 86400 * 30)


def test_a_bad_source_date_epoch_is_a_settings_error_naming_it(project):
    result = run_cli(project(), "collect", epoch="next tuesday")
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH: 'next tuesday' is not a whole number of seconds" in (result.output)
    assert "Traceback" not in result.output


def test_the_build_hands_pelican_its_clock_and_no_page_depends_on_it(project):
    conf = project()
    assert run_cli(conf, "collect").exit_code == 0
    assert run_cli(conf, "draft", "--week-ending", "2024-02-08").exit_code == 0
    first = run_cli(conf, "build")
    assert first.exit_code == 0, first.output
    seen = []

    def grab(pelican):
        seen.append(pelican.settings.get("DIGEST_NOW"))

    signals.initialized.connect(grab)
    try:
        later = run_cli(conf, "build", epoch=LATER)
    finally:
        signals.initialized.disconnect(grab)
    assert later.exit_code == 0, later.output
    assert seen == [datetime.fromtimestamp(int(LATER), UTC)]
    # A month on, nothing changed but the time: the page cache still holds every page.
    written = re.search(r"\((\d+) pages written, (\d+) unchanged\)", later.output)
    assert written is not None and written[1] == "0" and int(written[2]) > 0, later.output


def test_a_send_journals_every_event_at_the_clocks_moment(mail_project, tmp_path):
    subscribers = tmp_path / "subscribers.csv"
    subscribers.write_text("email,name\nann@example.org,\nbob@example.org,\n")
    with smtp_server() as (sink, port):
        conf = mail_project(port=port)
        args = ["send", "2024-02-08", "--subscribers", str(subscribers), "--send"]
        result = CliRunner().invoke(
            main,
            ["--config", str(conf), *args],
            env={"DIGEST_SECRET_KEY": "clock test", "SOURCE_DATE_EPOCH": SAMPLE_EPOCH},
        )
    assert result.exit_code == 0, result.output
    assert len(sink.received) == 2
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        times = {row[0] for row in db.execute("SELECT updated FROM sends")}
    assert {datetime.fromisoformat(t) for t in times} == {FROZEN}
