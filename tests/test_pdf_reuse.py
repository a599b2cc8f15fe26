"""What a PDF worker does once instead of for every issue (digest/publish/pdf/reuse.py), and
the order the jobs are given out in: the PDFs' bytes are the same as without, and what
was done once is done once.

Each render runs in a fresh interpreter, as a worker does (the renderer must load
WeasyPrint itself, after its fonts are chosen), printing what it saw as JSON.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digest import config
from digest.commands.pdf import issue_pdf_jobs, make_pdfs
from digest.publish.pdf import jobs as pdf
from digest.publish.pdf import render
from tests.conftest import FROZEN, ROOT
from tests.support.processes import python_child

# Run in a fresh interpreter: renders the pickled jobs with the pickled settings, reuse on
# or off, and prints what it saw.
CHILD = """
import json, logging, pickle, sys
from digest.publish.pdf import render

settings, jobs, reuse, edits = pickle.loads(open(sys.argv[1], "rb").read())
parsed, laid = [], []  # print.css parsed; pages laid out (again)
class Heard(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        if message.startswith("Step 2 - Fetching and parsing CSS") and "print.css" in message:
            parsed.append(message)
        elif message.startswith("Step 5 - Creating layout - Page") and "up-to-date" not in message:
            laid.append(message)
progress = logging.getLogger("weasyprint.progress")
progress.setLevel(logging.INFO)
progress.addHandler(Heard())
state = render.setup(settings, reuse=reuse)
for index, job in enumerate(jobs):
    if index in edits:  # (path, bytes) written before this job
        open(edits[index][0], "wb").write(edits[index][1])
    render.work(state, job)
print(json.dumps({"reused": state.reused, "parses": len(parsed), "layouts": len(laid)}))
"""


def render_in_child(
    tmp_path: Path, settings, jobs, *, reuse: bool, name: str, edits: dict | None = None
) -> dict:
    return python_child(CHILD, (settings, jobs, reuse, edits or {}), tmp_path, name)


def render_settings(site: Path) -> render.RenderSettings:
    settings = config.load(site / "pelican.conf.py", compile_selectors=False)
    theme = Path(settings.pelican["THEME"]).resolve()
    output = settings.output_path
    return render.RenderSettings(
        page_size="A4",
        roots=(output, theme),
        created=FROZEN.isoformat(timespec="seconds"),
        site_url=settings.site_url,
        fonts=pdf.font_folders(output, theme),
    )


@pytest.fixture(scope="module")
def pages(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A copy of the sample site and the built issue pages to print: the two weeks, and a
    third made of both weeks' articles (longer: its takeaways name pages further on)."""
    site = tmp_path_factory.mktemp("reuse") / "site"
    shutil.copytree(sample_site, site)
    issues = site / "output" / "issues"
    first, second = (issues / slug / "index.html" for slug in ("2024-02-01", "2024-02-08"))
    one, two = (page.read_text(encoding="utf-8") for page in (first, second))
    opening = two.index(">", two.index("<main")) + 1
    longer = one.replace("</main>", two[opening : two.index("</main>")] + "</main>", 1)
    assert len(longer) > len(one) + 1000, "the second week's articles were not added"
    third = issues / "both" / "index.html"
    third.parent.mkdir()
    third.write_text(longer, encoding="utf-8")
    return site, [first, second, third]


def jobs_for(pages: list[Path], folder: Path) -> list[render.PdfJob]:
    folder.mkdir(exist_ok=True)
    # Each page twice, in turn: a worker prints many issues, and the same page again.
    return [
        render.PdfJob(f"{page.parent.name}-{turn}", page, folder / f"{page.parent.name}-{turn}.pdf")
        for turn in (1, 2)
        for page in pages
    ]


def test_the_pdfs_are_the_same_bytes_with_and_without_reuse(pages, tmp_path):
    site, printed = pages
    settings = render_settings(site)
    fresh = render_in_child(
        tmp_path, settings, jobs_for(printed, tmp_path / "without"), reuse=False, name="off"
    )
    reused = render_in_child(
        tmp_path, settings, jobs_for(printed, tmp_path / "with"), reuse=True, name="on"
    )
    assert (fresh["reused"], reused["reused"]) == (False, True)
    made = sorted(path.name for path in (tmp_path / "with").glob("*.pdf"))
    assert len(made) == 2 * len(printed)
    for name in made:
        expected = (tmp_path / "without" / name).read_bytes()
        assert (tmp_path / "with" / name).read_bytes() == expected, name
    # print.css parsed once a worker instead of once an issue; page 1 laid out twice, not
    # three times (the longer page: the sample's weeks fit their takeaways' sections on
    # page 1, where the first layout knows their numbers)
    assert (fresh["parses"], reused["parses"]) == (2 * len(printed), 1)
    assert reused["layouts"] < fresh["layouts"], (reused, fresh)


def test_an_edited_stylesheet_is_parsed_again(pages, tmp_path):
    """Kept by its bytes, not only its address: a worker never prints with an old style."""
    site, printed = pages
    settings = render_settings(site)
    css = site / "output" / "theme" / "css" / "print.css"
    before = css.read_bytes()
    after = before + b"\n@page { margin-top: 40mm; }\n"
    jobs = jobs_for(printed[:1], tmp_path / "mixed")  # the same page twice
    try:
        seen = render_in_child(
            tmp_path, settings, jobs, reuse=True, name="mixed", edits={1: (css, after)}
        )
        assert seen["parses"] == 2
        alone = render_in_child(
            tmp_path,
            settings,
            jobs_for(printed[:1], tmp_path / "alone")[1:],
            reuse=False,
            name="alone",
        )
    finally:
        css.write_bytes(before)
    assert alone["parses"] == 1
    assert jobs[0].target.read_bytes() != jobs[1].target.read_bytes()
    assert jobs[1].target.read_bytes() == (tmp_path / "alone" / jobs[1].target.name).read_bytes()


def test_a_warning_about_print_css_is_logged_for_every_issue(sample_site, tmp_path, caplog):
    """The parse is kept; what WeasyPrint said about it is said again for each issue, as
    it was when every issue parsed it."""
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    settings = config.load(site / "pelican.conf.py", compile_selectors=False)
    css = settings.output_path / "theme" / "css" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { colour: red; }\n", encoding="utf-8")
    jobs = issue_pdf_jobs(settings)
    for job in jobs:
        job.target.unlink()
    # The last page the longest (a comment prints nothing): it is printed first, and still
    # reported in the jobs' order.
    last = jobs[-1].page
    last.write_text(last.read_text(encoding="utf-8") + "<!--" + "x" * 20_000 + "-->")
    one_worker = dataclasses.replace(settings, pdf_workers=1)
    finished = []
    with caplog.at_level("WARNING"):
        report = make_pdfs(one_worker, jobs, now=FROZEN, progress=lambda total: finished.append)
    assert finished == [job.slug for job in reversed(jobs)]
    assert report.rendered == [job.slug for job in jobs] and report.problems == []
    for job in jobs:
        said = [r.getMessage() for r in caplog.records if r.getMessage().startswith(job.slug)]
        assert any("colour" in line for line in said), (job.slug, said)


def test_an_unknown_weasyprint_is_left_as_it_is(tmp_path):
    script = (
        "import weasyprint\n"
        "from weasyprint import css, document, layout\n"
        "from weasyprint.draw import text\n"
        "from weasyprint.layout import inline, percent, preferred\n"
        "from weasyprint.text import line_break\n"
        "from weasyprint.text.ffi import ffi\n"
        "from digest.publish.pdf import reuse\n"
        "def seen():\n"
        "    kind = line_break.Layout\n"
        "    return (css.CSS, layout.make_all_pages, type(ffi._parsed_types),\n"
        "            kind.set_text, kind.deactivate, kind.reactivate, document.layout_document,\n"
        "            text.draw_first_line, percent.resolve_percentages,\n"
        "            inline.split_first_line, preferred.split_first_line)\n"
        "weasyprint.__version__ = '999.0'\n"
        "before = seen()\n"
        "assert reuse.install(object(), object()) is False\n"
        "assert seen() == before\n"
        "weasyprint.__version__ = sorted(reuse.VERSIONS)[0]\n"
        "assert reuse.install(object(), object()) is True\n"
        "changed = [a is not b for a, b in zip(seen(), before)]\n"
        "assert all(changed), changed\n"
        "print('left alone')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "left alone" in done.stdout, done.stderr[-3000:]


def test_the_simple_types_are_those_cffi_would_parse_and_it_parses_the_rest(tmp_path):
    """What WeasyPrint asks cffi for (a font's subset, a worker's first issue), made
    without cffi's C parser: the very types its parser makes; the rest it parses."""
    script = (
        "import cffi\n"
        "from weasyprint.text.ffi import ffi\n"
        "from digest.publish.pdf import reuse\n"
        "assert reuse.install(object(), object())\n"
        "simple = ['hb_codepoint_t[1]', 'hb_codepoint_t[7]', 'hb_codepoint_t[70000]',\n"
        "          'hb_codepoint_t [7]', 'FcChar8 **', 'char[]', 'char[4]', 'PangoRectangle *',\n"
        "          'PangoLogAttr[]', 'unsigned int *', 'hb_tag_t[100]', 'int', 'PangoLayout *']\n"
        "other = ['const char *', 'struct _PangoRectangle *', 'int(*)(int)', 'char *[2]']\n"
        "parses = []\n"
        "real = ffi._parser.parse_type\n"
        "ffi._parser.parse_type = lambda cdecl: parses.append(cdecl) or real(cdecl)\n"
        "made = {cdecl: ffi.typeof(cdecl) for cdecl in simple + other}\n"
        "assert parses == other, parses  # the simple ones: none\n"
        "with ffi._lock:  # as cffi builds a type it parsed\n"
        "    parsed = {cdecl: ffi._get_cached_btype(real(cdecl)) for cdecl in simple}\n"
        "assert all(made[c] is parsed[c] for c in simple), (made, parsed)\n"
        "array = ffi.new('hb_codepoint_t[3]', [5, 6, 7])\n"
        "assert list(array) == [5, 6, 7] and ffi.sizeof(array) == 3 * ffi.sizeof('hb_codepoint_t')\n"
        "try:\n"
        "    ffi.typeof('no_such_t *')\n"
        "except cffi.CDefError as exc:  # cffi's own error, as without\n"
        "    assert 'no_such_t' in str(exc), exc\n"
        "else:\n"
        "    raise AssertionError('an unknown type was made')\n"
        "print('same types')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "same types" in done.stdout, done.stderr[-3000:]


def test_the_longest_pages_are_given_out_first_and_reported_in_order(tmp_path):
    folder = tmp_path / "issues"
    jobs = []
    for slug, size in (("a", 10), ("b", 300), ("c", 20), ("d", 300), ("e", 5)):
        page = folder / slug / "index.html"
        page.parent.mkdir(parents=True)
        page.write_bytes(b"x" * size)
        jobs.append(render.PdfJob(slug, page, page.parent / f"{slug}.pdf"))
    jobs.append(render.PdfJob("gone", folder / "gone" / "index.html", folder / "gone.pdf"))
    assert [job.slug for job in pdf.largest_first(jobs)] == ["b", "d", "c", "a", "e", "gone"]
