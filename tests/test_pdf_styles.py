"""An element's computed style started from the last document's like element
(digest/publish/pdf/styles.py), and box sizes kept per style and containing block
(digest/publish/pdf/faster.py): the PDFs' bytes are those WeasyPrint makes without them,
and far fewer style values are computed.

The pages link one stylesheet, so their elements are of the same kinds, and hold what a
kind must not carry from one document to the next: a url() in a var() (each page's own
picture, resolved against the page's address), lengths in viewport units (the pages are
of different sizes), a page whose root has another font size (rem units); beside what it
may carry: inherited values, pseudo-elements with attr() (their styles made only when
asked for), lang and id attributes, list markers inside and outside (their anonymous
styles are changed as boxes are built), collapsed table borders (their padding is set to
nothing), footnotes (their display changed), percentage widths, paddings and margins in
containers of several sizes (the first page is narrower than the next), boxes out of the
normal flow (floated, placed, fixed, running, a flex item told it is not floated) for
Box.is_in_normal_flow (digest/publish/pdf/faster.py). A worker prints them one after the
other, as it prints issues, with an issue between them.
Each render runs in a fresh interpreter.
"""

from __future__ import annotations

from PIL import Image

from digest import config
from digest.publish.pdf import render
from tests.support.processes import python_child
from tests.test_pdf_lines import page_jobs, same_pdfs, settings_for_pages

WORDS = "The council met on Tuesday to weigh the budget for the coming year. "
SHARED = """
body { font-family: "Source Serif 4", serif; font-size: 10pt; color: var(--ink) }
html { --ink: #333; --gap: 3mm }
h2 { text-transform: uppercase; margin-bottom: var(--gap) }
.pic { --pic: url(pic.png); width: 20mm; height: 10mm; background-image: var(--pic);
       background-size: cover }
.vw { width: 40vw; height: 5vh; border: 1px solid black }
.vwcalc { width: calc(20vw + 5mm); border: 1px solid black }
.rem { font-size: 1.4rem; margin-left: 2rem }
.box { width: 80%; padding: 1% 2mm; box-sizing: border-box; margin: 2% 5%;
       border: 2px solid gray }
.box .box { width: 60% }
table.collapse { border-collapse: collapse }
td { border: 1px solid black; padding: 3px; width: 30% }
ol.out { list-style-position: outside } ul.in { list-style-position: inside }
p.note::before { content: "[" attr(data-n) "] "; color: #a33 }
.foot { float: footnote }
section[lang="ar"] { direction: rtl }
@page { @top-center { content: element(head) } }
@page :first { margin-left: 35mm }  /* page 1 narrower: a kept width must not follow */
.pct { padding-left: 10%; width: 70%; margin-left: 5% }
.run { position: running(head); font-size: 8pt }
.right { float: right; width: 25%; padding: 1% }
.abs { position: absolute; top: 5mm; right: 5%; width: 10%; padding: 2% }
.fixed { position: fixed; bottom: 3mm; left: 3mm; width: 15% }
.flex { display: flex } .flex > div { width: 30%; margin: 1% }
"""
BODY = f"""
<h2 id="top">Kinds of style</h2>
<p class="pct">{WORDS * 4}</p>
<div class="pic"></div>
<div class="vw">Forty per cent of the page's width</div>
<div class="vwcalc">A fifth of it and more</div>
<p class="rem">Root ems</p>
<div class="box"><div class="box">{WORDS}</div><p>{WORDS}</p></div>
<table class="collapse"><tr><td>1</td><td>{WORDS}</td></tr><tr><td>2</td><td>x</td></tr></table>
<table><tr><td>1</td><td>{WORDS}</td></tr></table>
<ol class="out"><li>{WORDS}</li><li>b</li></ol><ul class="in"><li>x</li><li>{WORDS}</li></ul>
<p class="note" data-n="1">{WORDS}</p><p class="note" data-n="2" lang="fr">{WORDS}</p>
<p>{WORDS}<span class="foot">A footnote.</span></p>
<section lang="ar"><p>قال المجلس إن التصويت على الميزانية أُجّل.</p></section>
<div class="box">{WORDS * 2}</div>
<div class="run">A running header</div>
<p class="pct">{WORDS * 3}</p><p class="pct">{WORDS * 3}</p><p class="pct">{WORDS * 3}</p>
<div class="box"><div class="right">{WORDS}</div>{WORDS * 2}</div>
<div class="box"><div class="abs">Placed</div><div class="fixed">Fixed</div>{WORDS}</div>
<div class="flex"><div>{WORDS}</div><div class="right">{WORDS}</div><div>x</div></div>
"""
PAGES = {  # folder: (own style, picture colour)
    "a5": ("@page { size: A5; margin: 12mm }", "red"),
    "a6": ("@page { size: A6; margin: 8mm }", "blue"),  # the same kinds, smaller
    "big": ("@page { size: A5 } html { font-size: 14px }", "green"),  # another root
}

# Run in a fresh interpreter: renders the pickled jobs, reuse on or off (and with the
# kinds a worker keeps set to `kept`), counting the style values WeasyPrint computed.
CHILD = """
import json, pickle, sys
from digest.publish.pdf import render, styles

settings, jobs, on, kept = pickle.loads(open(sys.argv[1], "rb").read())
if kept is not None:
    styles.KINDS_KEPT = kept
state = render.setup(settings, reuse=on)
from weasyprint import css
computed = [0]
def counting(missing):
    def counted(self, key):
        computed[0] += 1
        return missing(self, key)
    return counted
css.ComputedStyle.__missing__ = counting(css.ComputedStyle.__missing__)
css.AnonymousStyle.__missing__ = counting(css.AnonymousStyle.__missing__)
for job in jobs:
    render.work(state, job)
print(json.dumps({"reused": state.reused, "computed": computed[0]}))
"""


def page(own_style: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Styles</title>'
        '<link rel="stylesheet" href="../shared.css">'
        f"<style>{own_style}</style></head><body>{BODY}</body></html>"
    )


def test_styles_started_from_a_like_elements_print_the_same_bytes(sample_site, tmp_path):
    settings = config.load(sample_site / "pelican.conf.py", compile_selectors=False)
    (tmp_path / "shared.css").write_text(SHARED, encoding="utf-8")
    for name, (own_style, colour) in PAGES.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(page(own_style), encoding="utf-8")
        Image.new("RGB", (4, 2), colour).save(tmp_path / name / "pic.png")
    issue = settings.output_path / "issues" / "2024-02-08" / "index.html"  # print.css and all
    render_settings = settings_for_pages(settings, tmp_path)
    order = ["a5", "a6", "issue", "a5", "big", "a6", "a5", "issue"]

    def jobs(name: str) -> list[render.PdfJob]:
        return page_jobs(tmp_path / name, order, issue, tmp_path)

    def run(name: str, *, on: bool, kept: int | None = None) -> dict:
        return python_child(CHILD, (render_settings, jobs(name), on, kept), tmp_path, name)

    fresh = run("without", on=False)
    kinds = run("kinds", on=True)
    forgetful = run("forgetful", on=True, kept=7)  # kinds forgotten again and again
    assert (fresh["reused"], kinds["reused"], forgetful["reused"]) == (False, True, True)
    made = same_pdfs(tmp_path / "without", tmp_path / "kinds", tmp_path / "forgetful")
    assert len(made) == len(order)
    # The pictures are each page's own, the sizes each page's: the pages differ.
    assert len({(tmp_path / "without" / name).read_bytes() for name in made}) == 4
    # Values computed for a kind in one document are not computed again in the next.
    assert kinds["computed"] < 0.7 * fresh["computed"], (kinds, fresh)
    assert kinds["computed"] < forgetful["computed"], (kinds, forgetful)
