"""A run of text laid out once a worker and copied where it recurs
(digest/publish/pdf/repeats.py): the PDFs' bytes are those WeasyPrint makes without it,
and fewer lines are laid out.

The pages below repeat the same text in every way the copy must keep apart or may share:
the same words under styles that lay them out differently (spacing, capitals, widths,
fonts, directions, hyphenation), lines cut with an ellipsis beside the same lines not cut
(drawing must not cut the layout they share), running headers and page numbers, table
cells, list markers.
A worker prints them one after the other, as it prints issues; between them, a page
declares a font (@font-face) for a family the first page could only fall back from: its
lines must not be the first page's. Each render runs in a fresh interpreter.
"""

from __future__ import annotations

from pathlib import Path

import pypdf

from digest import config
from digest.publish.pdf import render
from tests.support.processes import python_child
from tests.test_pdf_lines import CHILD, page_jobs, same_pdfs, settings_for_pages

WORDS = "The council met on Tuesday to weigh the budget for the coming year. "
LINE = "Iraq Weekly Monitor"
BLOCK = f"""
<h2>{LINE}</h2>
<p>{WORDS * 3}</p>
<p class="spaced">{WORDS}</p>
<p class="words">{WORDS}</p>
<p class="justified">{WORDS * 3}</p>
<p class="caps">{WORDS}</p>
<p class="under">{WORDS}</p>
<p class="narrow">{WORDS}</p>
<p class="hyphens">{WORDS} Internationalization responsibilities notwithstanding</p>
<p class="anywhere">Supercalifragilisticexpialidocious-and-more-of-it</p>
<p class="face">{WORDS}</p>
<div class="ellipsis">{WORDS}</div>
<div class="ellipsis">{WORDS}</div>
<div class="clipped">{WORDS}</div>
<p class="clamp">{WORDS * 3}</p>
<p class="unclamped">{WORDS * 3}</p>
<p class="pre">{LINE}\n\t{LINE}</p>
<p dir="rtl" lang="ar">قال المجلس إن التصويت على الميزانية أُجّل. {LINE}</p>
<ol><li>{LINE}</li><li>{WORDS}</li><li>{LINE}</li></ol>
<ul><li>{LINE}</li><li>{LINE}</li></ul>
<table><tr><td>{LINE}</td><td>12</td><td>{WORDS}</td></tr>
<tr><td>{LINE}</td><td>12</td><td>{LINE}</td></tr></table>
"""
STYLE = """
  @page { size: A6; margin: 12mm;
          @top-center { content: "Iraq Weekly Monitor" }
          @bottom-right { content: "Page " counter(page) " of " counter(pages) } }
  body { font-family: "Source Serif 4", serif; font-size: 9pt }
  h2 { text-transform: uppercase; letter-spacing: 0.05em }
  .spaced { letter-spacing: 0.1em }
  .words { word-spacing: 4px }
  .justified { text-align: justify }
  .caps { font-variant: small-caps }
  .under { text-decoration: underline }
  .narrow { width: 30mm }
  .hyphens { hyphens: auto; width: 30mm }
  .anywhere { overflow-wrap: anywhere; width: 20mm }
  .face { font-family: "Repeat Face", "Source Sans 3", sans-serif }
  .ellipsis { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 40mm }
  .clipped { white-space: nowrap; overflow: hidden; width: 40mm }
  .clamp { max-lines: 2; block-ellipsis: auto; continue: discard; width: 40mm }
  .unclamped { width: 40mm }
  .pre { white-space: pre }
  td { border: 1px solid black; padding: 2px }
"""


def fonts(path: Path) -> set[str]:
    """The names of the fonts a PDF prints with."""
    found = set()
    for sheet in pypdf.PdfReader(path).pages:
        for font in sheet["/Resources"].get("/Font", {}).values():
            found.add(str(font.get_object()["/BaseFont"]).partition("+")[2])  # "ABCDEF+Name"
    return found


def page(body: str, extra_style: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Repeats</title>'
        f"<style>{STYLE}{extra_style}</style></head><body>{body}</body></html>"
    )


def test_repeated_text_prints_the_same_bytes_and_is_laid_out_once(sample_site, tmp_path):
    settings = config.load(sample_site / "pelican.conf.py", compile_selectors=False)
    output = settings.output_path
    font = (output / "theme" / "fonts" / "source-code-pro-400-normal.ttf").as_uri()
    face = f'@font-face {{ font-family: "Repeat Face"; src: url("{font}") }}'
    sources = {
        "repeats": page(BLOCK * 4),
        "declares": page(BLOCK * 2, face),  # "Repeat Face" is no longer Source Sans 3
    }
    for name, html in sources.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(html, encoding="utf-8")
    issue = output / "issues" / "2024-02-08" / "index.html"  # a real issue, print.css and all
    render_settings = settings_for_pages(settings, tmp_path)
    order = ["repeats", "issue", "repeats", "declares", "repeats", "issue"]

    def jobs(name: str) -> list[render.PdfJob]:
        return page_jobs(tmp_path / name, order, issue, tmp_path)

    def run(name: str, *, on: bool, kept: int | None = None) -> dict:
        order = (render_settings, jobs(name), on, kept, "digest.publish.pdf.repeats.KEPT")
        return python_child(CHILD, order, tmp_path, name)

    fresh = run("without", on=False)
    unkept = run("unkept", on=True, kept=0)
    copied = run("copied", on=True)
    assert (fresh["reused"], unkept["reused"], copied["reused"]) == (False, True, True)
    made = same_pdfs(tmp_path / "without", tmp_path / "unkept", tmp_path / "copied")
    assert len(made) == len(order)
    # Fonts declared by a page are the worker's from then on: the issue's print.css makes
    # "Source Sans 3" one, the second page makes "Repeat Face" one.
    printed = [fonts(tmp_path / "without" / name) for name in made]
    assert [("Source-Sans-3," in names, "Repeat-Face" in names) for names in printed] == [
        (False, False),
        (True, False),
        (True, False),
        (False, True),
        (False, True),
        (True, False),
    ], printed
    # The repeated runs are laid out once: far fewer Pango layouts than without.
    assert copied["layouts"] < 0.75 * unkept["layouts"], (copied, unkept)
