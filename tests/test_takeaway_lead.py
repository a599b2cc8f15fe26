"""render/takeaway_lead.py: a Key Takeaways bullet folded after its lead sentence."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from digest.render.takeaway_lead import fold_after_lead

REST = '<span class="takeaway-rest">'


def parts(folded: str) -> tuple[str, str]:
    """(the lead, the rest) as a reader sees them."""
    soup = BeautifulSoup(folded, "html.parser")
    rest = soup.select_one("span.takeaway-rest")
    rest_text = rest.extract().get_text() if rest else ""
    return soup.get_text(), rest_text


def test_the_sentences_after_the_first_are_folded():
    folded = fold_after_lead("Kirkuk elected a governor. Seven members boycotted. Talks go on.")
    assert folded == (
        f"Kirkuk elected a governor.{REST} Seven members boycotted. Talks go on.</span>"
    )


@pytest.mark.parametrize(
    "takeaway",
    [
        "Kirkuk's council elected a <strong>Kurdish</strong> governor.",
        "One sentence without a full stop",
        "",
        "Talks resume on Feb. 9 in Baghdad.",  # an abbreviation ends no sentence
    ],
)
def test_one_sentence_is_left_as_it_is(takeaway):
    assert fold_after_lead(takeaway) == takeaway


def test_abbreviations_and_initials_do_not_end_the_lead():
    folded = fold_after_lead("The U.S. envoy met Gen. Rasheed on Feb. 6. Both sides spoke.")
    assert parts(folded) == ("The U.S. envoy met Gen. Rasheed on Feb. 6.", " Both sides spoke.")


def test_a_closing_quote_or_bracket_stays_with_its_sentence():
    folded = fold_after_lead('The minister said "the road is open." Trucks crossed (slowly.) Then.')
    assert parts(folded)[0] == 'The minister said "the road is open."'


def test_a_link_or_emphasis_is_never_cut_in_two():
    # The first sentence ends inside the link: the cut comes after it closes.
    folded = fold_after_lead(
        'Read <a href="https://x.example/r">the report. It is long</a>. Then more. And more.'
    )
    assert parts(folded) == (
        "Read the report. It is long.",
        " Then more. And more.",
    )
    assert BeautifulSoup(folded, "html.parser").a.get_text() == "the report. It is long"


def test_a_sentence_ending_as_its_element_closes_is_cut_after_the_element():
    folded = fold_after_lead("He said <em>the road is open.</em> Trucks crossed.")
    assert folded == f"He said <em>the road is open.</em>{REST} Trucks crossed.</span>"


def test_a_takeaway_that_is_all_one_element_is_left_whole():
    takeaway = "<em>One. Two. Three.</em>"
    assert fold_after_lead(takeaway) == takeaway


def test_entities_and_arabic_sentences():
    assert parts(fold_after_lead("Tom &amp; Jerry met. They &lt;agreed&gt;.")) == (
        "Tom & Jerry met.",
        " They <agreed>.",
    )
    arabic = "حذّر مزارعون من تراجع المياه. وقال مسؤول إن الأزمة مستمرة."
    assert parts(fold_after_lead(arabic)) == (
        "حذّر مزارعون من تراجع المياه.",
        " وقال مسؤول إن الأزمة مستمرة.",
    )


def test_folding_keeps_every_character_and_the_markup_well_formed():
    takeaway = (
        'On February 6, the council <a href="https://x.example/a">elected</a> Aziz. '
        "<strong>Seven</strong> members boycotted. A bloc will appeal."
    )
    folded = fold_after_lead(takeaway)
    assert folded.replace(REST, "").removesuffix("</span>") == takeaway
    assert str(BeautifulSoup(folded, "html.parser")) == folded
