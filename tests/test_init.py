"""`digest init PATH`: a new project that checks and builds at once, from flags or answers,
never written over an existing one, with a theme/ folder whose files replace the packaged
theme's."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from click.testing import CliRunner

from digest import config
from digest.cli import main
from digest.config.taxonomy import DEFAULT_SECTIONS
from tests.conftest import SAMPLE_EPOCH, run_cli

MADE = (
    "pelican.conf.py",
    "README.md",
    ".gitignore",
    "content/pages/about.md",
    "content/issues/.gitkeep",
    "theme/README.md",
    "theme/templates/.gitkeep",
    "theme/static/css/.gitkeep",
)


def init(*args: str, input: str | None = None):
    return CliRunner().invoke(
        main, ["init", *args], input=input, env={"SOURCE_DATE_EPOCH": SAMPLE_EPOCH}
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_no_input_makes_a_project_that_checks_and_builds_an_empty_site(tmp_path: Path):
    folder = tmp_path / "basra-monitor"
    result = init(str(folder), "--no-input")
    assert result.exit_code == 0, result.output
    assert sorted(snapshot(folder)) == sorted(MADE)

    settings = config.load(folder / "pelican.conf.py")
    assert settings.sitename == "Basra Monitor"  # from the folder's name
    assert settings.timezone.key == "UTC"
    assert settings.week_ends_on == 3  # thursday
    assert [s.key for s in settings.sections] == [s["key"] for s in DEFAULT_SECTIONS]
    assert settings.sources == ()
    assert "set yours in pelican.conf.py" in result.output  # the placeholder SITEURL

    conf = folder / "pelican.conf.py"
    assert run_cli(conf, "check").exit_code == 0
    built = run_cli(conf, "build")
    assert built.exit_code == 0, built.output
    out = folder / "output"
    assert "No issues have been published yet" in (out / "index.html").read_text()
    for page in (
        "about/index.html",
        "search/index.html",
        "feeds/atom.xml",
        "feeds/rss.xml",
        "feeds/feed.json",
        "sitemap.xml",
        "theme/css/screen.css",
    ):
        assert (out / page).is_file(), page
    ignored = (folder / ".gitignore").read_text().split()
    assert {"output/", ".cache/", "*.sqlite3"} <= set(ignored)


def test_flags_choose_the_settings_a_team_must_choose(tmp_path: Path):
    folder = tmp_path / "m"
    name = 'Al-Mada "Weekly" — مرصد'
    result = init(
        str(folder),
        "--no-input",
        "--name",
        name,
        "--site-url",
        "https://mada.example/monitor/",
        "--timezone",
        "Asia/Baghdad",
        "--week-ends-on",
        "Friday",
        "--sections",
        "security, politics,health",
        "--language",
        "ar",
    )
    assert result.exit_code == 0, result.output
    settings = config.load(folder / "pelican.conf.py")
    assert settings.sitename == name
    assert settings.site_url == "https://mada.example/monitor"
    assert settings.timezone.key == "Asia/Baghdad"
    assert settings.week_ends_on == 4
    assert settings.language == "ar"
    assert [s.key for s in settings.sections] == ["security", "politics", "health"]
    defaults = {s["key"]: s for s in DEFAULT_SECTIONS}
    # A default section keeps its tested keywords; a new one starts with none.
    assert len(settings.section("security").keywords) == len(defaults["security"]["keywords"])
    assert settings.section("health").keywords == ()
    assert settings.section("health").title == "Health"
    assert settings.email_from == '"Al-Mada \\"Weekly\\" — مرصد" <newsletter@mada.example>'


def test_bad_flags_are_each_named_and_nothing_is_written(tmp_path: Path):
    folder = tmp_path / "new"
    result = init(
        str(folder),
        "--no-input",
        "--timezone",
        "Mars/Olympus",
        "--site-url",
        "ftp://files.example",
        "--week-ends-on",
        "someday",
    )
    assert result.exit_code == 2
    assert "--timezone: unknown time zone 'Mars/Olympus'" in result.output
    assert "--site-url: 'ftp://files.example' is not an http(s) URL" in result.output
    assert "--week-ends-on: 'someday' is not a weekday" in result.output
    assert "Traceback" not in result.output
    assert not folder.exists()


def test_answers_are_asked_and_a_bad_one_asked_again(tmp_path: Path):
    folder = tmp_path / "asked"
    answers = (
        "\n".join(
            [
                "Mosul Monitor",  # name
                "not a url",  # site URL, refused
                "https://mosul.example",  # asked again
                "Asia/Baghdad",  # time zone
                "",  # week end: the default, thursday
                "politics, security",  # sections
                "",  # language: en
            ]
        )
        + "\n"
    )
    result = init(str(folder), input=answers)
    assert result.exit_code == 0, result.output
    assert "error: 'not a url' is not an http(s) URL" in result.output
    settings = config.load(folder / "pelican.conf.py")
    assert (settings.sitename, settings.site_url) == ("Mosul Monitor", "https://mosul.example")
    assert [s.key for s in settings.sections] == ["politics", "security"]
    assert settings.week_ends_on == 3


def test_an_existing_project_is_never_overwritten(tmp_path: Path):
    folder = tmp_path / "kept"
    assert init(str(folder), "--no-input").exit_code == 0
    (folder / "pelican.conf.py").write_text("# the team's own settings\n", encoding="utf-8")
    before = snapshot(folder)
    result = init(str(folder), "--no-input", "--name", "Other")
    assert result.exit_code == 1
    assert "already holds a project (pelican.conf.py" in result.output
    assert "nothing was written" in result.output
    assert snapshot(folder) == before

    # A folder with other files (a fresh git clone) is fine; one of ours in it is not.
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / "LICENSE").write_text("MIT\n")
    assert init(str(clone), "--no-input").exit_code == 0
    lone = tmp_path / "lone"
    (lone / "theme").mkdir(parents=True)
    (lone / "theme" / "README.md").write_text("mine\n")
    result = init(str(lone), "--no-input")
    assert result.exit_code == 1 and "already holds files (theme/README.md)" in result.output
    assert sorted(snapshot(lone)) == ["theme/README.md"]


def test_files_in_theme_replace_the_packaged_templates_and_stylesheets(tmp_path: Path):
    folder = tmp_path / "themed"
    assert init(str(folder), "--no-input").exit_code == 0
    conf = folder / "pelican.conf.py"
    packaged = files("digest.themes") / "digest"
    base = (packaged / "templates" / "base.html").read_text(encoding="utf-8")
    assert "</body>" in base
    own = folder / "theme" / "templates" / "base.html"
    own.write_text(base.replace("</body>", "<p id='ours'>first</p></body>"), encoding="utf-8")
    css = folder / "theme" / "static" / "css" / "screen.css"
    css.write_text("body { color: #123456; }\n", encoding="utf-8")
    (folder / "theme" / "static" / "images").mkdir()
    (folder / "theme" / "static" / "images" / "logo.svg").write_text("<svg/>", encoding="utf-8")

    assert run_cli(conf, "build").exit_code == 0
    out = folder / "output"
    assert "<p id='ours'>first</p>" in (out / "index.html").read_text()
    assert (out / "theme" / "css" / "screen.css").read_text() == css.read_text()
    # The packaged print stylesheet, not overridden, is still there for the PDF.
    assert (out / "theme" / "css" / "print.css").read_bytes() == (
        packaged / "static" / "css" / "print.css"
    ).read_bytes()
    assert (out / "theme" / "images" / "logo.svg").is_file()

    # An edit to the project's template is a change the next (incremental) build sees.
    own.write_text(base.replace("</body>", "<p id='ours'>second</p></body>"), encoding="utf-8")
    assert run_cli(conf, "build").exit_code == 0
    assert "<p id='ours'>second</p>" in (out / "about" / "index.html").read_text()
    # Deleting it goes back to the packaged template.
    own.unlink()
    assert run_cli(conf, "build").exit_code == 0
    assert "id='ours'" not in (out / "index.html").read_text()
