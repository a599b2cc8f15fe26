import os
import sys
from pathlib import Path

import pytest

from digest import config
from digest.errors import ConfigError
from digest.models import DraftOptions
from tests.conftest import make_project


def load_with(project, extra: str) -> config.Settings:
    return config.load(project(extra, samples=False))


def problems(project, extra: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_with(project, extra)
    return err.value.problems


def test_the_repository_settings_are_valid():
    settings = config.load(Path(__file__).resolve().parents[1] / "pelican.conf.py")
    assert [s.key for s in settings.sections] == ["politics", "security", "humanitarian", "economy"]
    assert len(settings.sources) >= 6
    assert settings.timezone.key == "Asia/Baghdad"


def test_every_problem_is_reported_at_once_naming_the_setting(project):
    found = problems(
        project,
        'DIGEST_TIMEZONE = "Mars/Olympus"\n'
        'DIGEST_WEEK_ENDS_ON = "thursdy"\n'
        "DIGEST_CONCURRENCY = 0\n",
    )
    assert found == [
        "DIGEST_TIMEZONE: unknown time zone 'Mars/Olympus'; use an IANA name such as "
        "'Asia/Baghdad'",
        "DIGEST_WEEK_ENDS_ON: 'thursdy' is not a weekday; use one of monday, tuesday, "
        "wednesday, thursday, friday, saturday, sunday",
        "DIGEST_CONCURRENCY: must be a number from 1 to 64, got 0",
    ]


def test_a_misspelt_setting_gets_a_suggestion(project):
    assert problems(project, "DIGEST_TIMEZON = 'UTC'\n") == [
        "DIGEST_TIMEZON: unknown setting; did you mean DIGEST_TIMEZONE?"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/etc/passwd",
        "file:///etc/passwd",
        "~/.ssh/id_rsa",
        "../../etc/passwd",
        "ftp://example.org/feed",
    ],
)
def test_a_source_can_not_point_at_local_files_outside_the_project(project, url):
    # BAD-INPUTS 8
    found = problems(project, f"DIGEST_SOURCES = [{{'name': 'x', 'url': {url!r}}}]\n")
    assert found == [
        f"DIGEST_SOURCES[0].url: {url!r} is not an http(s) URL or a file inside the project"
    ]


def test_source_fields_are_checked_with_their_index(project):
    found = problems(
        project,
        "DIGEST_SOURCES = [{'name': 'a', 'url': 'https://a.example/f'},"
        " {'name': 'b', 'url': 'https://b.example/', 'kind': 'html',"
        " 'sectoin': 'x'}]\n",
    )
    assert found == [
        "DIGEST_SOURCES[1]: unknown field 'sectoin'; did you mean 'section'?",
        "DIGEST_SOURCES[1].selectors: an html source needs selectors (item, title, link)",
    ]


def test_bad_css_selector_is_reported(project):
    found = problems(
        project,
        "DIGEST_SOURCES = [{'name': 'a', 'url': 'https://a.example/',"
        " 'kind': 'html', 'selectors': {'item': 'div[', 'title': 'h3',"
        " 'link': 'a'}}]\n",
    )
    assert len(found) == 1 and found[0].startswith("DIGEST_SOURCES[0].selectors.item: bad CSS")


def test_a_syntax_error_in_the_config_names_the_line(project):
    with pytest.raises(ConfigError) as err:
        load_with(project, "DIGEST_TIMEZONE = (\n")
    assert "line" in str(err.value) and "pelican.conf.py" in str(err.value)


def test_source_domains_include_the_feed_host(project):
    settings = load_with(
        project, "DIGEST_SOURCES = [{'name': 'A', 'url': 'https://www.a.example/feed.xml'}]\n"
    )
    assert settings.sources[0].domains == ("a.example",)


def test_a_missing_content_folder_says_what_to_create(project):
    import shutil

    conf = project(samples=False)
    shutil.rmtree(conf.parent / "content")
    with pytest.raises(ConfigError) as err:
        config.load(conf)
    assert err.value.problems == [
        f"PATH: the content folder does not exist; create it (e.g. mkdir -p "
        f"{conf.parent / 'content'}/issues)"
    ]


def test_drafting_settings_are_checked_together(project):
    found = problems(
        project,
        'DIGEST_SECTION_ORDER = "random"\n'
        "DIGEST_TAKEAWAY_WORDS = [300, 100]\n"
        'DIGEST_INCIDENT_KINDS = ["ied", "laser"]\n'
        'DIGEST_INCIDENT_KIND_COLUMN = "yes"\n'
        'DIGEST_INCIDENT_MILITANTS = "hide"\n',
    )
    assert [line.split(":")[0] for line in found] == [
        "DIGEST_SECTION_ORDER",
        "DIGEST_TAKEAWAY_WORDS",
        "DIGEST_INCIDENT_KINDS",
        "DIGEST_INCIDENT_KIND_COLUMN",
        "DIGEST_INCIDENT_MILITANTS",
    ]
    assert "'laser'" in found[2] and "ied" in found[2]


def test_drafting_settings_reach_the_draft_options(project):
    settings = load_with(
        project,
        'DIGEST_SECTION_ORDER = "importance"\n'
        "DIGEST_TAKEAWAY_WORDS = [80, 120]\n"
        'DIGEST_INCIDENT_KINDS = ["IED", "drone"]\n'
        "DIGEST_INCIDENT_KIND_COLUMN = True\n"
        'DIGEST_INCIDENT_MILITANTS = "count"\n',
    )
    assert settings.draft.section_order == "importance"
    assert settings.draft.takeaway_words == (80, 120)
    assert settings.draft.incident_kinds == ("ied", "drone")
    assert settings.draft.incident_kind_column is True
    assert settings.draft.militants == "count"


def test_each_setting_is_declared_once():
    names = [s.name for s in config.SETTINGS]
    assert len(names) == len(set(names))
    assert all(s.name.startswith("DIGEST_") and s.help for s in config.SETTINGS)


def test_the_declared_defaults_make_valid_settings(tmp_path):
    settings = config.validate({}, tmp_path / "pelican.conf.py")
    assert settings.store_path == tmp_path / "digest.sqlite3"
    assert settings.timezone.key == "UTC"
    assert settings.week_ends_on == 3  # thursday
    assert (settings.fetch_timeout, settings.max_items, settings.pdf_page_size) == (30, 500, "A4")
    assert settings.send.outbox == tmp_path / "outbox"
    assert settings.send.server is None and settings.send.dkim is None
    assert settings.send.pending_days == 7
    assert settings.draft == DraftOptions()


def test_problems_come_in_the_order_the_settings_are_declared(project):
    found = problems(
        project,
        'DIGEST_INCIDENT_MILITANTS = "hide"\n'
        "DIGEST_SEND_RATE = -1\n"
        "DIGEST_PENDING_DAYS = 1.5\n"
        "DIGEST_ALLOW_PRIVATE = ['localhost', '10.0.0.5:8080', '[::1]']\n"
        "DIGEST_SECTIONS = [{'key': 'news', 'title': 'News'}, {'key': 'Bad'}]\n"
        "DIGEST_SOURCES = [{'name': 'a', 'url': 'https://a.example/', 'section': 'bad'},"
        " {'name': 'b', 'url': 'https://b.example/', 'section': 'news'}]\n"
        'SITEURL = "example.org"\n',
    )
    assert found == [
        "DIGEST_SECTIONS[1].key: must be lowercase letters, digits or '-' (it becomes the "
        "HTML id), got 'Bad'",
        "DIGEST_SOURCES[0].section: 'bad' is not a key of DIGEST_SECTIONS",
        "DIGEST_ALLOW_PRIVATE: 'localhost' is not an address and port like '10.0.0.5:8080' "
        "or '[::1]:8080'",
        "DIGEST_ALLOW_PRIVATE: '[::1]' is not an address and port like '10.0.0.5:8080' "
        "or '[::1]:8080'",
        "DIGEST_PENDING_DAYS: must be a whole number of days, got 1.5",
        "DIGEST_SEND_RATE: must be a number from 0 to 100000, got -1",
        "DIGEST_INCIDENT_MILITANTS: 'hide' is not one of 'note', 'exclude', 'count'",
        "SITEURL: must be an absolute http(s) URL (feeds and emails link to it)",
    ]


def test_every_dkim_problem_is_reported_at_once(project):
    found = problems(project, "DIGEST_DKIM_KEY = 'missing.pem'\nDIGEST_DKIM_DOMAIN = 'localhost'\n")
    assert found == [
        "DIGEST_DKIM_KEY: 'missing.pem' is not a file (the PEM private key)",
        "DIGEST_DKIM_SELECTOR: must be a DNS label such as 'digest2024'",
        "DIGEST_DKIM_DOMAIN: 'localhost' is not a domain name",
    ]


def test_dkim_signs_for_the_senders_domain_unless_told(project):
    conf = project(
        "DIGEST_EMAIL_FROM = 'Monitor <m@monitor.example.org>'\n"
        "DIGEST_DKIM_KEY = 'dkim.pem'\nDIGEST_DKIM_SELECTOR = 'd2024'\n",
        samples=False,
    )
    (conf.parent / "dkim.pem").write_text("not read here\n")
    dkim = config.load(conf).send.dkim
    assert (dkim.key, dkim.selector, dkim.domain) == (
        conf.parent / "dkim.pem",
        "d2024",
        "monitor.example.org",
    )


def test_the_mail_server_carries_its_timeout_and_ca(project):
    conf = project(
        "DIGEST_SMTP_URL = 'smtps://news%40monitor.example.org@mail.example.org'\n"
        "DIGEST_SMTP_TIMEOUT = 12\nDIGEST_SMTP_CA_FILE = 'ca.pem'\n",
        samples=False,
    )
    (conf.parent / "ca.pem").write_text("not read here\n")
    server = config.load(conf).send.server
    assert (server.scheme, server.host, server.port, server.username) == (
        "smtps",
        "mail.example.org",
        465,
        "news@monitor.example.org",
    )
    assert (server.timeout, server.ca_file) == (12.0, str(conf.parent / "ca.pem"))


def test_the_unsubscribe_link_defaults_to_the_https_subscriptions_service(project):
    def send(extra: str):
        return load_with(project, extra).send

    service = "DIGEST_SUBSCRIPTIONS_URL = 'https://monitor.example.org/subscriptions/'\n"
    assert send(service + "DIGEST_UNSUBSCRIBE_URL = None\n").unsubscribe_url == (
        "https://monitor.example.org/subscriptions/unsubscribe"
    )
    own = "DIGEST_UNSUBSCRIBE_URL = 'https://u.example/x'\n"
    assert send(service + own).unsubscribe_url == "https://u.example/x"
    plain = "DIGEST_SUBSCRIPTIONS_URL = 'http://localhost:8081'\nDIGEST_UNSUBSCRIBE_URL = None\n"
    assert send(plain).unsubscribe_url is None


def test_reading_the_settings_writes_no_bytecode_and_reads_every_edit(tmp_path, monkeypatch):
    # Pelican imports the settings file as a module. Where Python writes bytecode (no
    # PYTHONDONTWRITEBYTECODE), it would leave __pycache__/ in the project, and read it back
    # in place of an edit of the same size made in the same second: the old settings.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    conf = make_project(tmp_path / "site")
    text = conf.read_text(encoding="utf-8")
    conf.write_text(text + '\nSITESUBTITLE = "AAAA"\n', encoding="utf-8")
    stamp = conf.stat().st_mtime_ns
    assert config.read_pelican_settings(conf)["SITESUBTITLE"] == "AAAA"
    conf.write_text(text + '\nSITESUBTITLE = "BBBB"\n', encoding="utf-8")
    os.utime(conf, ns=(stamp, stamp))  # the same second, the same size
    assert config.read_pelican_settings(conf)["SITESUBTITLE"] == "BBBB"
    assert not (conf.parent / "__pycache__").exists()
    assert sys.dont_write_bytecode is False  # as it was
