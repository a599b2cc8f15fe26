"""What a PDF worker does faster (digest/publish/pdf/reuse.py, digest/publish/pdf/faster.py):
a line's Pango layout kept from its layout to its drawing, styles, box sizes and glyphs
computed with less Python. The PDF's bytes are the same as without, and fewer lines are
shaped.

The page below holds what the kept layout must not be used for (spacing added to the
text, tabs, preserved newlines and other separators, justified lines, ellipses, words
broken anywhere, hyphenation) beside what it is for (plain lines, inline runs, tables,
right-to-left text, small capitals, underlines, SVG text), and boxes whose sizes are
percentages, calc() and auto. Each render runs in a fresh interpreter, as a worker does.
"""

from __future__ import annotations

from pathlib import Path

from digest import config
from digest.publish.pdf import jobs as pdf
from digest.publish.pdf import render
from tests.conftest import FROZEN
from tests.support.processes import python_child

WORDS = (
    "The council met on Tuesday to weigh the budget for the coming year, and the vote "
    "was put off until the auditors report on the spending of the last quarter. "
)
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Lines</title><style>
  @page {{ size: A5; margin: 15mm; @top-center {{ content: "Lines " counter(page) }} }}
  body {{ font-family: "Source Serif 4", serif; font-size: 10pt }}
  .sans {{ font-family: "Source Sans 3", sans-serif }}
  .spaced {{ letter-spacing: 0.1em }}
  .words {{ word-spacing: 4px }}
  .justified {{ text-align: justify }}
  .pre {{ white-space: pre; font-family: "Source Code Pro", monospace }}
  .prewrap {{ white-space: pre-wrap }}
  .ellipsis {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 40mm }}
  .anywhere {{ overflow-wrap: anywhere; width: 20mm }}
  .hyphens {{ hyphens: auto; width: 30mm }}
  .caps {{ font-variant: small-caps }}
  .under {{ text-decoration: underline }}
  td {{ border: 1px solid black; padding: 2px }}
  .box {{ width: 80%; margin: 2% 5%; padding: 1% 2mm; box-sizing: border-box;
          min-height: 10%; max-width: calc(100% - 10mm); border: 2px solid gray }}
  .box div {{ height: 50%; min-width: auto; max-height: 40mm; padding: 3% }}
</style></head><body>
<h1>Kept lines <a href="#end">to the end</a></h1>
<p>{WORDS * 4}<strong>{WORDS}</strong> <a href="https://example.org/">{WORDS}</a>
<em>{WORDS}</em></p>
<p class="sans">{WORDS * 3}</p>
<p class="spaced">{WORDS * 2}</p>
<p class="words">{WORDS * 2}</p>
<p class="justified">{WORDS * 5}</p>
<p class="pre">a line\n\tand a tab\n  and spaces   kept</p>
<p class="prewrap">{WORDS}\n{WORDS}\r\n{WORDS}</p>
<p>{WORDS}\u2028{WORDS}\x85{WORDS}</p>
<div class="ellipsis">{WORDS}</div>
<div class="anywhere">Supercalifragilisticexpialidocious-and-more-of-it</div>
<div class="hyphens">Internationalization responsibilities notwithstanding</div>
<p class="caps under">{WORDS}</p>
<p dir="rtl" lang="ar">قال المجلس إن التصويت على الميزانية أُجّل حتى يقدم المدققون تقريرهم.
{WORDS}</p>
<div class="box"><div>{WORDS}</div><div style="width: 50%">{WORDS}</div></div>
<table><tr><td>{WORDS}</td><td>12</td><td>{WORDS * 2}</td></tr>
<tr><td>Short</td><td>3,400</td><td>{WORDS}</td></tr></table>
<svg width="300" height="40"><text x="5" y="20">Text in an SVG picture</text></svg>
<p id="end">{WORDS * 6}</p>
</body></html>
"""

# Run in a fresh interpreter: renders the pickled jobs, reuse on or off (and with the
# number of lines kept, `limit` a module's setting, set to `kept`), counting the Pango
# layouts WeasyPrint made. test_pdf_repeats.py runs it too.
CHILD = """
import importlib, json, pickle, sys
from digest.publish.pdf import render

settings, jobs, on, kept, limit = pickle.loads(open(sys.argv[1], "rb").read())
if kept is not None:
    module, name = limit.rsplit(".", 1)
    setattr(importlib.import_module(module), name, kept)
state = render.setup(settings, reuse=on)
from weasyprint.text import line_break
made = [0]
setup = line_break.Layout.setup
def counted(self, style):
    made[0] += 1
    return setup(self, style)
line_break.Layout.setup = counted
for job in jobs:
    render.work(state, job)
print(json.dumps({"reused": state.reused, "layouts": made[0]}))
"""


def settings_for_pages(settings: config.Settings, folder: Path) -> render.RenderSettings:
    """A4, the frozen clock, the sample site's fonts; pages from its output, its theme and
    `folder`."""
    output, theme = settings.output_path, Path(settings.pelican["THEME"]).resolve()
    return render.RenderSettings(
        page_size="A4",
        roots=(output, theme, folder),
        created=FROZEN.isoformat(timespec="seconds"),
        site_url=settings.site_url,
        fonts=pdf.font_folders(output, theme),
    )


def page_jobs(folder: Path, order: list[str], issue: Path, pages: Path) -> list[render.PdfJob]:
    """Jobs printing the pages of `order` into `folder` (made now): "issue" is the built
    `issue` page, any other name `pages`/name/index.html."""
    folder.mkdir()
    return [
        render.PdfJob(
            f"{source}-{index}",
            issue if source == "issue" else pages / source / "index.html",
            folder / f"{index}-{source}.pdf",
        )
        for index, source in enumerate(order)
    ]


def same_pdfs(reference: Path, *others: Path) -> list[str]:
    """The PDFs printed into `reference`, each asserted byte-identical in `others`."""
    made = sorted(path.name for path in reference.glob("*.pdf"))
    for name in made:
        expected = (reference / name).read_bytes()
        for other in others:
            assert (other / name).read_bytes() == expected, (other, name)
    return made


def render_in_child(tmp_path: Path, settings, jobs, *, on: bool, kept: int | None = None) -> dict:
    order = (settings, jobs, on, kept, "digest.publish.pdf.reuse.LINES_KEPT")
    return python_child(CHILD, order, tmp_path, f"order-{on}-{kept}")


def test_kept_lines_print_the_same_bytes_and_shape_fewer_lines(sample_site, tmp_path):
    settings = config.load(sample_site / "pelican.conf.py", compile_selectors=False)
    output = settings.output_path
    page = tmp_path / "lines" / "index.html"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    issue = output / "issues" / "2024-02-08" / "index.html"  # a real issue, print.css and all
    render_settings = settings_for_pages(settings, tmp_path)

    def jobs(name: str) -> list[render.PdfJob]:
        folder = tmp_path / name
        folder.mkdir()
        # Each twice: a worker prints many documents, and the lines kept are counted anew.
        return [
            render.PdfJob(f"{source.parent.name}-{turn}", source, folder / f"{turn}-{index}.pdf")
            for turn in (1, 2)
            for index, source in enumerate((page, issue))
        ]

    fresh = render_in_child(tmp_path, render_settings, jobs("without"), on=False)
    kept = render_in_child(tmp_path, render_settings, jobs("with"), on=True)
    few = render_in_child(tmp_path, render_settings, jobs("few"), on=True, kept=20)
    assert (fresh["reused"], kept["reused"]) == (False, True)
    made = sorted(path.name for path in (tmp_path / "without").glob("*.pdf"))
    assert len(made) == 4
    for name in made:
        expected = (tmp_path / "without" / name).read_bytes()
        assert (tmp_path / "with" / name).read_bytes() == expected, name
        assert (tmp_path / "few" / name).read_bytes() == expected, name
    # Most lines drawn are shaped once; with 20 kept a document, the rest again.
    assert kept["layouts"] < few["layouts"] < fresh["layouts"], (kept, few, fresh)
    assert kept["layouts"] < 0.8 * fresh["layouts"], (kept, fresh)
