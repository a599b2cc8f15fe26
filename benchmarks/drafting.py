"""The draft's front page against the editor's: takeaways, headlines, dates, incident rows, days.

    .venv/bin/invoke bench-drafting [--show 2024-03-14] [--misses] [--size 1000]

(the task installs the `bench` extra, rouge-score and sumy, on first use; no NLTK data is
needed. By hand: .venv/bin/pip install -e '.[bench]', then
.venv/bin/python -m benchmarks.drafting [--show 2024-03-14] [--misses] [--size 1000])

Data, both invented for digest (see the folders' READMEs):

- benchmarks/data/grouping/: the five labeled weeks of grouping.py, plus `gold.jsonl`, the
  headline and takeaway an editor wrote for each (week, section) that has items, from the
  items alone and following EDITORIAL.md, before digest's drafts were looked at;
- benchmarks/data/daily/: one labeled month (October 2023) for the daily layout.

The weeks are drafted exactly as grouping.py drafts them (default taxonomy, the classifier
trained on the past issues, the iraq gazetteer); a drafted section is matched to the gold
one by its key. The script prints:

1. takeaways: ROUGE-1/2/L F1 (rouge-score, Porter stemming) of digest's takeaway against
   the editor's, per (week, section), averaged; next to two baselines computed here on the
   same sections from the section's labeled items in the issue's language (an editor's
   English monitor would not open on an Arabic sentence, so leaving them out makes the
   baselines stronger, not weaker):
   - lead: the first sentence of each item, in date order, cut to the editor's length;
   - LexRank (sumy) over the items' sentences: the best-rated sentences until the editor's
     length, in text order, cut to that length.
   Targets: ROUGE-1 >= 1.15x the better baseline, ROUGE-2 >= 1.1x.
2. headlines: ROUGE-1/2/L of digest's headline against the editor's (target ROUGE-1 >= 0.35),
   next to the first item's title and the LexRank-best title.
3. relative day words ("yesterday", "on Tuesday", "أمس" ...) left in drafted headlines,
   takeaways, paragraphs and daily items, counted by digest.text.anchoring.relative_words
   when that exists, else by a local rule. Target 0.
4. incident rows: rows exact (grouping.py's scoring) and duplicate rows (two drafted rows for
   one labeled story, in one week or across weeks). Targets >= 90% exact, 0 duplicates.
5. the daily layout (draft_daily on the labeled month): merge precision over pairs of items
   (only republished copies of one report are true pairs) and the share of items listed
   under the editor's day. Targets: precision 1.0, days >= 95%.
6. seconds to draft a 1,000-item week (grouping.timing; another size with --size, best of
   3). Target <= 2 s, for 1,000 items. And the seconds a user waits for `digest draft` of
   that week from a project's store (grouping.user_wait: a fresh process, start to file
   written; best of 3). Target (issue 25) <= 0.5 s for 1,000 items.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from statistics import mean

from rouge_score import rouge_scorer
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

from benchmarks import grouping
from benchmarks.grouping import WEEKS, Labeled
from digest.commands.draft import month_spec
from digest.commands.past_issues import section_model
from digest.issues.daily import draft_daily
from digest.models import Issue, Item

ROOT = grouping.ROOT
LANGUAGE = "en"  # the issues' language: baselines read only items written in it
METRICS = ("rouge1", "rouge2", "rougeL")
TARGETS = {"takeaway_r1": 1.15, "takeaway_r2": 1.1, "headline_r1": 0.35, "exact": 0.9}
DAILY_MONTH = "2023-10"


# -- data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gold:
    week: date
    section: str
    headline: str
    takeaway: str


@dataclass(frozen=True)
class DailyRow:
    item: Item
    story: str
    event_date: date


def load_gold(path: Path) -> dict[tuple[date, str], Gold]:
    gold = {}
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            week = date.fromisoformat(row["week"])
            gold[(week, row["section"])] = Gold(
                week, row["section"], row["headline"], row["takeaway"]
            )
    return gold


def load_daily(path: Path) -> list[DailyRow]:
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        item = grouping.labeled_item(row, number)
        rows.append(DailyRow(item, row["story"], date.fromisoformat(row["event_date"])))
    return rows


def week_of(day: date) -> date | None:
    """The labeled week (ending on a Thursday) whose seven days hold `day`."""
    return next((end for end in WEEKS if end - timedelta(days=6) <= day <= end), None)


def section_items(labeled: Sequence[Labeled], week: date, section: str) -> list[Labeled]:
    """The section's labeled items of that week, in date order (event day, then publication)."""
    rows = [r for r in labeled if r.section == section and week_of(r.event_date) == week]
    return sorted(rows, key=lambda r: (r.event_date, r.item.published, r.item.guid or ""))


# -- baselines --------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_WORD = re.compile(r"\w+(?:[-'’.,]\w+)*")


class Tokenizer:
    """sumy's tokenizer interface without NLTK's punkt data (which would need a download).

    News copy ends sentences with ". " before a capital or a digit; abbreviations with a
    space after their dot ("Gen. Smith") are rare in wire copy and cost one false split."""

    language = "english"

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in _SENTENCE_END.split(text) if s.strip())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


TOKENIZER = Tokenizer()


def cut(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def in_language(rows: Iterable[Labeled]) -> list[Labeled]:
    return [r for r in rows if (r.item.language or LANGUAGE) == LANGUAGE]


def lead_takeaway(rows: Sequence[Labeled], words: int) -> str:
    firsts = [TOKENIZER.to_sentences(r.item.text)[:1] for r in in_language(rows)]
    return cut(" ".join(s for first in firsts for s in first), words)


def lexrank_best(paragraphs: Sequence[str], words: int) -> str:
    """LexRank's best-rated sentences until `words` words, in text order, cut to `words`."""
    if not paragraphs:
        return ""
    parser = PlaintextParser.from_string("\n\n".join(paragraphs), TOKENIZER)
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def until_length(infos):  # infos arrive best-rated first
        chosen, total = [], 0
        for info in infos:
            if total >= words:
                break
            chosen.append(info)
            total += len(str(info.sentence).split())
        return chosen

    sentences = summarizer(parser.document, until_length)
    return cut(" ".join(str(s) for s in sentences), words)


def lexrank_takeaway(rows: Sequence[Labeled], words: int) -> str:
    return lexrank_best([r.item.text for r in in_language(rows)], words)


def lead_headline(rows: Sequence[Labeled]) -> str:
    titles = [r.item.title for r in in_language(rows)]
    return titles[0] if titles else ""


def lexrank_headline(rows: Sequence[Labeled]) -> str:
    """The title LexRank rates most central among the section's titles."""
    titles = [r.item.title for r in in_language(rows)]
    if not titles:
        return ""
    parser = PlaintextParser.from_string("\n\n".join(titles), TOKENIZER)
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    best = summarizer(parser.document, 1)
    return str(best[0]) if best else titles[0]


# -- scores -----------------------------------------------------------------------------

SCORER = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)


def rouge(reference: str, candidate: str) -> dict[str, float]:
    scores = SCORER.score(reference, candidate)
    return {m: scores[m].fmeasure for m in METRICS}


def averaged(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    return {m: mean(r[m] for r in rows) if rows else float("nan") for m in METRICS}


_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# Phrases, not words: "late on Tuesday" and "مساء أمس الثلاثاء" are one each. A weekday is
# relative unless its date follows ("Sunday, March 3") or it names a rite ("Friday prayers").
_EN_RELATIVE = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|last night"
    r"|(?:this|last|next) (?:morning|afternoon|evening|week|weekend|month|year)"
    r"|(?:\w+|a) (?:days?|weeks?|months?) ago"
    rf"|(?:(?:late|early|last|this|next) )?(?:on )?(?:{_WEEKDAYS})(?:'s)?"
    r"(?: (?:morning|afternoon|evening|night))?)\b"
    rf"(?!,?\s+(?:{_MONTHS})\s+\d)(?! (?:sermons?|prayers?)\b)",
    re.IGNORECASE,
)
_AR_DAYS = "الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت"
_AR_RELATIVE = re.compile(
    r"(?<!\w)(?:"
    rf"(?:(?:مساء|صباح|فجر|ليلة|ظهر|عصر) )?(?:(?:اليوم|أمس|يوم) )?(?:{_AR_DAYS})"
    r"|(?:(?:مساء|صباح|فجر|ليلة|ظهر|عصر) )?(?:أمس|البارحة)"
    r"|(?:(?:مساء|صباح|فجر|ظهر|عصر) )?اليوم(?! ال)"  # not "اليوم الأخير", the last day
    r"|الليلة|غدا|غداً|هذا الأسبوع|الأسبوع الماضي|الشهر الماضي"
    r")(?!\w)"
)


def local_relative_words(text: str) -> list[str]:
    """Relative day words in English and Arabic, for when digest has no counter of its own."""
    return [m.group(0) for m in (*_EN_RELATIVE.finditer(text), *_AR_RELATIVE.finditer(text))]


def relative_counter() -> tuple[Callable[[str], object], str]:
    """digest's own counter when it exists (the rule the drafts are held to), else ours."""
    try:
        from digest.text.anchoring import relative_words
    except ImportError:
        return local_relative_words, "local rule (digest.text.anchoring not found)"
    return relative_words, "digest.text.anchoring.relative_words"


def found_words(counter: Callable[[str], object], text: str) -> list[str]:
    result = counter(text)
    if isinstance(result, int):
        return ["?"] * result
    return [_as_word(found) for found in result]


def _as_word(found: object) -> str:
    """A counter may give the words, or regex matches, or objects with a readable form."""
    if isinstance(found, str):
        return found
    if isinstance(found, re.Match):
        return found.group(0)
    return str(found)


def drafted_texts(issues: Sequence[Issue], daily: Issue) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = defaultdict(list)
    for issue in issues:
        for section in issue.sections:
            texts["headlines"].append(section.headline)
            texts["takeaways"].append(section.takeaway)
            texts["paragraphs"].extend(entry.text for entry in section.entries)
    for day in daily.days:
        texts["daily items"].extend(f"{e.title}. {e.text}" for e in day.entries)
    return texts


def duplicate_rows(labeled: Sequence[Labeled], issues: Sequence[Issue]) -> list[str]:
    """Labeled stories that got more than one drafted row, in one week or across weeks."""
    stories_of_title: dict[str, set[str]] = defaultdict(set)
    for row in labeled:
        stories_of_title[row.item.title].add(row.story)
    rows_per_story: Counter[str] = Counter()
    for issue in issues:
        for row in issue.incidents:
            for story in stories_of_title.get(row.description, ()):
                rows_per_story[story] += 1
    return [f"{story} ({n} rows)" for story, n in sorted(rows_per_story.items()) if n > 1]


@dataclass(frozen=True)
class DailyScores:
    precision: float
    recall: float
    merged_pairs: int
    true_pairs: int
    on_day: int
    listed: int
    total: int
    false_merges: tuple[str, ...]
    wrong_days: tuple[str, ...]


def daily_scores(rows: Sequence[DailyRow], issue: Issue) -> DailyScores:
    """Items are found in the month page by their links (every outlet's link is cited)."""
    by_url = {r.item.url: r for r in rows}
    placed: dict[str, tuple[int, date]] = {}  # item id -> (entry number, its day)
    number = 0
    for day in issue.days:
        for entry in day.entries:
            number += 1
            for citation in entry.citations:
                row = by_url.get(citation.url)
                if row is not None:
                    placed[row.item.guid or ""] = (number, day.day)
    listed = [r for r in rows if (r.item.guid or "") in placed]
    merged = {
        (a.item.guid, b.item.guid)
        for a, b in combinations(listed, 2)
        if placed[a.item.guid or ""][0] == placed[b.item.guid or ""][0]
    }
    true = {(a.item.guid, b.item.guid) for a, b in combinations(rows, 2) if a.story == b.story}
    hits = merged & true
    by_id = {r.item.guid: r for r in rows}
    false_merges = tuple(
        f"{a} {by_id[a].item.title[:40]!r} + {b} {by_id[b].item.title[:40]!r}"
        for a, b in sorted(merged - true)
    )
    wrong = tuple(
        f"{r.item.guid} listed {placed[r.item.guid or ''][1]}, editor {r.event_date}: "
        f"{r.item.title[:50]!r}"
        for r in listed
        if placed[r.item.guid or ""][1] != r.event_date
    ) + tuple(
        f"{r.item.guid} not on the page: {r.item.title[:50]!r}" for r in rows if r not in listed
    )
    return DailyScores(
        precision=len(hits) / len(merged) if merged else 1.0,
        recall=len(hits) / len(true) if true else 1.0,
        merged_pairs=len(merged),
        true_pairs=len(true),
        on_day=sum(placed[r.item.guid or ""][1] == r.event_date for r in listed),
        listed=len(listed),
        total=len(rows),
        false_merges=false_merges,
        wrong_days=wrong,
    )


# -- report -----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def row_line(name: str, scores: dict[str, float], extra: str = "") -> str:
    cells = "  ".join(f"{scores[m]:.3f}" for m in METRICS)
    return f"  {name:<28} {cells}  {extra}"


@dataclass(frozen=True)
class SectionResult:
    gold: Gold
    drafted_headline: str
    drafted_takeaway: str
    lead: str
    lexrank: str
    lead_title: str
    lexrank_title: str


def section_results(
    labeled: Sequence[Labeled], gold: dict[tuple[date, str], Gold], issues: Sequence[Issue]
) -> list[SectionResult]:
    drafted = {
        (issue.period.end, section.key): section for issue in issues for section in issue.sections
    }
    results = []
    for key, g in sorted(gold.items()):
        rows = section_items(labeled, *key)
        words = len(g.takeaway.split())
        section = drafted.get(key)
        results.append(
            SectionResult(
                gold=g,
                drafted_headline=section.headline if section else "",
                drafted_takeaway=section.takeaway if section else "",
                lead=lead_takeaway(rows, words),
                lexrank=lexrank_takeaway(rows, words),
                lead_title=lead_headline(rows),
                lexrank_title=lexrank_headline(rows),
            )
        )
    return results


def show_week(results: Sequence[SectionResult], week: date) -> None:
    print(f"\n=== week ending {week}: gold vs drafted ===")
    for r in (r for r in results if r.gold.week == week):
        digest_scores = rouge(r.gold.takeaway, r.drafted_takeaway)
        print(f"\n--- {r.gold.section}")
        print(f"headline, editor : {r.gold.headline}")
        print(f"headline, digest : {r.drafted_headline or '(no section)'}")
        print(f"headline, lead   : {r.lead_title}")
        print(
            f"takeaway, editor ({len(r.gold.takeaway.split())} words):\n  {r.gold.takeaway}\n"
            f"takeaway, digest ({len(r.drafted_takeaway.split())} words; R-1 "
            f"{digest_scores['rouge1']:.3f}, R-2 {digest_scores['rouge2']:.3f}):\n"
            f"  {r.drafted_takeaway or '(no section)'}\n"
            f"takeaway, lead (R-1 {rouge(r.gold.takeaway, r.lead)['rouge1']:.3f}):\n  {r.lead}\n"
            f"takeaway, LexRank (R-1 {rouge(r.gold.takeaway, r.lexrank)['rouge1']:.3f}):\n"
            f"  {r.lexrank}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks/data/grouping")
    parser.add_argument("--daily", type=Path, default=ROOT / "benchmarks/data/daily")
    parser.add_argument(
        "--show", type=date.fromisoformat, metavar="WEEK", help="Gold vs drafted for one week."
    )
    parser.add_argument("--misses", action="store_true", help="List every miss (rows, days).")
    parser.add_argument(
        "--size",
        type=int,
        default=grouping.TARGET_ITEMS,
        help="items in the week whose drafting is timed (default 1000, the target's)",
    )
    args = parser.parse_args()

    labeled, incidents = grouping.load(args.data)
    gold = load_gold(args.data / "gold.jsonl")
    daily_rows = load_daily(args.daily / "items.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        settings = grouping.project(Path(tmp) / "trained", args.data, with_past_issues=True)
        model = section_model(settings)
        issues, _, _ = grouping.draft_weeks(labeled, settings, model)
        daily = draft_daily([r.item for r in daily_rows], month_spec(settings, DAILY_MONTH))
        seconds = min(grouping.timing(labeled, settings, args.size) for _ in range(3))
        wait = grouping.user_wait(labeled, args.data, Path(tmp) / "wait", args.size, runs=3)

    results = section_results(labeled, gold, issues)
    missing = [f"{r.gold.week} {r.gold.section}" for r in results if not r.drafted_takeaway]
    take = {
        "digest": averaged([rouge(r.gold.takeaway, r.drafted_takeaway) for r in results]),
        "lead": averaged([rouge(r.gold.takeaway, r.lead) for r in results]),
        "LexRank": averaged([rouge(r.gold.takeaway, r.lexrank) for r in results]),
    }
    head = {
        "digest": averaged([rouge(r.gold.headline, r.drafted_headline) for r in results]),
        "first title": averaged([rouge(r.gold.headline, r.lead_title) for r in results]),
        "LexRank title": averaged([rouge(r.gold.headline, r.lexrank_title) for r in results]),
    }
    better = {m: max(take["lead"][m], take["LexRank"][m]) for m in METRICS}
    ratio = {m: take["digest"][m] / better[m] if better[m] else float("nan") for m in METRICS}
    words = {
        name: mean(len(t.split()) for t in texts) if texts else 0.0
        for name, texts in {
            "editor": [r.gold.takeaway for r in results],
            "digest": [r.drafted_takeaway for r in results],
        }.items()
    }

    weeks = sorted({g.week for g in gold.values()})
    print(
        f"gold: {len(results)} (week, section) pairs over {len(weeks)} weeks ending "
        f"{weeks[0]} … {weeks[-1]} (events {weeks[0] - timedelta(days=6)} – {weeks[-1]}); "
        f"editor takeaways {words['editor']:.0f} words on average, digest's {words['digest']:.0f}"
    )
    if missing:
        print(f"  no drafted section for {len(missing)} (scored 0): {', '.join(missing)}")
    print(f"\ntakeaways, ROUGE F1 averaged over sections   {'R-1':>5}  {'R-2':>5}  {'R-L':>5}")
    for name, scores in take.items():
        print(row_line(name, scores))
    print(row_line("digest / better baseline", ratio, "(x)"))
    print(
        f"  target R-1 >= {TARGETS['takeaway_r1']}x: "
        f"{verdict(ratio['rouge1'] >= TARGETS['takeaway_r1'])}; "
        f"R-2 >= {TARGETS['takeaway_r2']}x: {verdict(ratio['rouge2'] >= TARGETS['takeaway_r2'])}"
    )
    print(f"\nheadlines, ROUGE F1 averaged over sections   {'R-1':>5}  {'R-2':>5}  {'R-L':>5}")
    for name, scores in head.items():
        print(row_line(name, scores))
    r1 = head["digest"]["rouge1"]
    print(f"  target R-1 >= {TARGETS['headline_r1']}: {verdict(r1 >= TARGETS['headline_r1'])}")

    counter, counter_name = relative_counter()
    print(f"\nrelative day words left in drafted text (counted by {counter_name}):")
    total = 0
    for kind, texts in drafted_texts(issues, daily).items():
        found = Counter(w.casefold() for t in texts for w in found_words(counter, t))
        total += sum(found.values())
        common = ", ".join(f"{w} {n}" for w, n in found.most_common(6))
        print(f"  {kind:<12} {sum(found.values()):>4}  {common}")
    print(f"  total {total}; target 0: {verdict(total == 0)}")

    exact, drafted, editor_rows, row_misses = grouping.incident_scores(labeled, incidents, issues)
    dups = duplicate_rows(labeled, issues)
    share = exact / editor_rows if editor_rows else 0.0
    print(
        f"\nincident rows: {exact} of {editor_rows} editor rows exact ({share:.1%}, target >= 90%: "
        f"{verdict(share >= TARGETS['exact'])}); {drafted} rows drafted; "
        f"{len(dups)} duplicate (target 0: {verdict(not dups)})"
        + (f": {', '.join(dups)}" if dups else "")
    )
    if args.misses:
        print("\n".join(row_misses))

    d = daily_scores(daily_rows, daily)
    print(
        f"\ndaily layout ({DAILY_MONTH}, {d.total} items, "
        f"{len({r.story for r in daily_rows})} reports): merge precision {d.precision:.3f} "
        f"(target 1.0: {verdict(d.precision == 1.0)}), recall {d.recall:.3f}; "
        f"{d.merged_pairs} pairs merged, {d.true_pairs} true; on the editor's day "
        f"{d.on_day}/{d.total} ({d.on_day / d.total:.1%}, target >= 95%: "
        f"{verdict(d.on_day / d.total >= 0.95)})"
    )
    for line in d.false_merges[: None if args.misses else 5]:
        print(f"  false merge: {line}")
    for line in d.wrong_days[: None if args.misses else 5]:
        print(f"  day: {line}")

    target = f"target <= 2 s: {verdict(seconds <= 2)}"
    if args.size != grouping.TARGET_ITEMS:
        target = f"the target is for {grouping.TARGET_ITEMS:,} items"
    print(f"\ndrafting time, {args.size:,}-item week: {seconds:.2f} s ({target})")
    wait_target = grouping.WAIT_TARGETS.get(args.size)
    print(
        f"as a user waits (`digest draft` from the store, a fresh process): {wait:.2f} s"
        + (f" (target <= {wait_target:g} s: {verdict(wait <= wait_target)})" if wait_target else "")
    )
    if args.show:
        show_week(results, args.show)


if __name__ == "__main__":
    main()
