from pathlib import Path

import pytest

from digest import config
from digest.errors import ConfigError


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
