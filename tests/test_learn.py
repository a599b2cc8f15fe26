"""The section classifier learned from the editor's published issues."""

from __future__ import annotations

from datetime import UTC, datetime

from digest import config
from digest.commands.past_issues import published_issues, section_model
from digest.issues.classify import classify
from digest.issues.learn import MIN_EXAMPLES, MIN_ISSUES, paragraph_text, train, words
from digest.models import Item

PROTEST = "Residents blocked the road over electricity cuts and power shortages in Basra"
BUDGET = "The finance ministry sent the budget with new oil revenue forecasts to the cabinet"


def item(text: str) -> Item:
    return Item(
        source="Wire",
        guid=None,
        url=None,
        title=text.split(" over ")[0],
        summary_html="",
        text=text,
        published=datetime(2024, 2, 4, tzinfo=UTC),
    )


def examples(n: int) -> list[tuple[str, str]]:
    # This editor files electricity protests under politics, not economy.
    politics = [("politics", f"{PROTEST} in district {i}") for i in range(n)]
    economy = [("economy", f"{BUDGET} for year {i}") for i in range(n)]
    return politics + economy


def test_too_little_to_learn_from_means_no_model():
    assert train(examples(MIN_EXAMPLES), issues=MIN_ISSUES - 1) is None
    assert train(examples(MIN_EXAMPLES // 4), issues=MIN_ISSUES) is None
    assert train([("politics", PROTEST)] * MIN_EXAMPLES, issues=MIN_ISSUES) is None  # 1 section


def test_the_learned_habit_overrides_a_weak_keyword_signal(settings):
    keyword_only = classify(item(PROTEST), None, settings.sections)
    model = train(examples(30), issues=4)
    learned = classify(item(PROTEST), None, settings.sections, model)
    assert keyword_only.section == "economy"  # "electricity" is an economy keyword
    assert (learned.section, learned.reason) == ("politics", "learned")
    assert "learned from 60 paragraphs of 4 published issues" in learned.detail
    assert learned.confidence > 0.9


def test_a_clear_keyword_signal_still_counts(settings):
    model = train(examples(30), issues=4)
    text = "A roadside bomb killed two soldiers and wounded five near Tarmiyah"
    assert classify(item(text), None, settings.sections, model).section == "security"


def test_features_fold_arabic_and_drop_dates_and_citations():
    assert words("الأمطار وأمطار") == words("الامطار وامطار")
    assert paragraph_text("On February 4, talks resumed (Wire, Ledger).") == "talks resumed"
    assert "talks resumed" in words("Talks resumed")


ISSUE = """Title: Monitor {n}
Period: 2024-01-{start:02d} to 2024-01-{end:02d}

{marker}
## Protests {{#politics}}

Takeaway: Protests.

{paragraphs}

## Money {{#economy}}

Takeaway: Money.

{economy}
"""


def write_issue(folder, n: int, marker: str = "") -> None:
    paragraphs = "\n\n".join(f"On January {n}, {PROTEST} {i}." for i in range(8))
    economy = "\n\n".join(f"On January {n}, {BUDGET} {i}." for i in range(8))
    text = ISSUE.format(
        n=n, start=n, end=n + 6, marker=marker, paragraphs=paragraphs, economy=economy
    )
    (folder / f"2024-01-{n + 6:02d}.md").write_text(text)


def test_only_the_editors_issues_are_learned_from(project):
    conf = project()
    folder = conf.parent / "content" / "issues"
    for n in (1, 8, 15):
        write_issue(folder, n)  # hand-written: no draft marker
    # An untouched draft (its marker's hash holds) is digest's own guess: not learned from.
    from digest.render.issue_markdown import restamp

    untouched = folder / "2024-01-28.md"
    write_issue(folder, 22, marker="<!-- digest:draft sha256:" + "0" * 64 + " x -->\n")
    (folder / "2024-01-28.md").write_text(restamp((folder / "2024-01-28.md").read_text()))
    (folder / "broken.md").write_text("no title here")
    settings = config.load(conf)
    names = [e.slug for e in published_issues(settings)]
    assert names == ["2024-01-07", "2024-01-14", "2024-01-21"]
    assert untouched.exists()
    model = section_model(settings)
    assert (model.issues, model.examples) == (3, 48)
    assert section_model(settings, exclude="2024-01-21") is None  # two issues are too few
