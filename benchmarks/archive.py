"""Synthetic weekly issues in digest's issue-file format, for the build benchmark.

    .venv/bin/invoke bench-archive OUT_FOLDER [--issues 52]
    .venv/bin/python -m benchmarks.archive OUT_FOLDER [--issues 52]

Each issue reads like a drafted-and-edited weekly issue of the sample (see README, "The
issue file"): the header, the draft comment, four sections (politics, security,
humanitarian, economy), each with its Takeaway line and 4-7 dated paragraphs citing one to
three of the sample's seven outlets by link, an incident table in the security section,
now and then an Arabic paragraph and an editor's note. About 1,500-2,500 words an issue.
The text is varied with `random.Random(issue number)`, so issue N is the same on every run.
Links cite only the sample outlets' domains, so the repository's DIGEST_SOURCES covers them.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from datetime import date, timedelta
from pathlib import Path

FIRST_WEEK_ENDING = date(2015, 1, 1)  # a Thursday: issue 1 ends that day
SITENAME = "Iraq Weekly Monitor"

# (name, domain, link pattern): the seven outlets of the sample's DIGEST_SOURCES.
OUTLETS = (
    ("Tigris Wire", "tigriswire.example", "https://tigriswire.example/{y}/{m:02d}/{d:02d}/{slug}"),
    ("Kurdistan Ledger", "kurdistanledger.example", "https://kurdistanledger.example/news/{y}/{m:02d}/{slug}"),
    ("Baghdad Observer", "baghdadobserver.example", "https://baghdadobserver.example/{section}/{slug}-{iso}"),
    ("Euphrates News Agency", "euphrates-news.example", "https://euphrates-news.example/en/news/{n}"),
    ("Mesopotamia Economic Review", "mer.example", "https://mer.example/markets/{slug}"),
    ("Relief Monitor", "reliefmonitor.example", "https://reliefmonitor.example/updates/{slug}"),
    ("Al-Rafidain", "alrafidain.example", "https://alrafidain.example/news/{n}"),
)  # fmt: skip
SECTION_OUTLETS = {
    "politics": (0, 1, 2, 3, 6),
    "security": (0, 1, 2, 3, 6),
    "humanitarian": (5, 0, 3, 1, 6),
    "economy": (4, 0, 2, 1, 6),
}
PLACES = (
    ("Tarmiyah", "Baghdad"), ("Abu Ghraib", "Baghdad"), ("Mahmudiya", "Baghdad"),
    ("Baquba", "Diyala"), ("Khalis", "Diyala"), ("Jalawla", "Diyala"), ("Muqdadiya", "Diyala"),
    ("Kirkuk", "Kirkuk"), ("Hawija", "Kirkuk"), ("Daquq", "Kirkuk"),
    ("Tikrit", "Salahaddin"), ("Samarra", "Salahaddin"), ("Baiji", "Salahaddin"),
    ("Mosul", "Nineveh"), ("Sinjar", "Nineveh"), ("Tal Afar", "Nineveh"),
    ("Ramadi", "Anbar"), ("Fallujah", "Anbar"), ("Rutba", "Anbar"), ("al-Qaim", "Anbar"),
    ("Basra", "Basra"), ("Zubair", "Basra"), ("Abu al-Khasib", "Basra"),
    ("Najaf", "Najaf"), ("Mishkhab", "Najaf"), ("Diwaniyah", "Qadisiyah"),
    ("Erbil", "Erbil"), ("Sulaymaniyah", "Sulaymaniyah"), ("Duhok", "Duhok"),
    ("Amadiya", "Duhok"), ("Nasiriyah", "Dhi Qar"), ("Amarah", "Maysan"), ("Kut", "Wasit"),
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS_OF_DAY = ("", " morning", " afternoon", " evening", " night")

LEADS = {
    "politics": (
        "The {province} provincial council {verb} on {when} to {politics_act}, after {n} of its "
        "members {politics_vote}",
        "Parliament's {committee} committee voted on {when} to summon the {ministry} minister "
        "for questioning over {issue}, with members from {province} saying {complaint}",
        "The Federal Supreme Court on {when} {court} an appeal by {n} {province} council members "
        "against the election of the governor, saying the session had met the legal quorum",
        "Talks between Baghdad and Erbil on {issue} resumed on {when} in {place}, the first round "
        "since {month}, with both delegations describing the meeting as constructive",
        "The prime minister visited {place} on {when} and promised {n} new schools and a "
        "hospital, telling tribal leaders that the government would {politics_act}",
    ),
    "security": (
        "A roadside bomb struck an army patrol near {place}, {province} province, on {when}, "
        "killing {d} soldiers and wounding {i} others, a security source said",
        "A drone strike on a pickup truck near {place} killed {d} people and wounded {i} on "
        "{when}, according to the local security directorate",
        "Gunmen attacked a checkpoint on the road between {place} and {place2} on {when}, killing "
        "{d} members of the security forces and wounding {i}, police said",
        "{d} people were killed and {i} wounded when a bomb attached to a motorcycle exploded near "
        "a market in {place} on {when}, police said",
        "Mortar rounds fell on farmland outside {place} on {when}, wounding {i} people, "
        "the army said in a statement",
    ),
    "humanitarian": (
        "The number of confirmed cholera cases in {province} province rose to {n}, the health "
        "directorate said on {when}, up from {n2} reported a week earlier",
        "Heavy rain caused flash floods in several neighbourhoods of {place} on {when}, damaging "
        "homes and shops and cutting roads, the city's civil defence said",
        "An aid convoy delivered food parcels and hygiene kits to {n00} returnee families in "
        "{place} district on {when}",
        "Families who returned to {place} from camps in {province2} told aid workers on {when} "
        "that schools, clinics and water networks in their villages are still not working",
        "Partners expanded emergency water trucking to {n00} households in {place} on {when}, "
        "after salinity in the river rose above safe levels for drinking",
    ),
    "economy": (
        "The dinar strengthened to about 1,{n3} per dollar on the Baghdad parallel market on "
        "{when}, from 1,{n4} a week earlier, after the central bank allowed more banks to sell "
        "dollars to travellers",
        "The federal finance ministry on {when} released {n} billion dinars to fund salaries for "
        "public employees in {province}, following talks in Baghdad",
        "Iraq's grid lost about {n00} megawatts of generating capacity on {when} as gas flows "
        "fell to under a third of contracted volumes, according to electricity ministry figures",
        "Prices of flour, rice and cooking oil were broadly unchanged in {place} wholesale markets "
        "on {when}, while cement and steel rose {n5}% on higher import costs, a survey of traders "
        "found",
        "The oil ministry said on {when} that exports from southern ports averaged {n3},000 "
        "barrels a day last month, with fields near {place} back at full output",
    ),
}
FOLLOWS = (
    "The session is due to resume next week, and officials said further talks were expected "
    "before the end of the month.",
    "Residents said the situation in {place} had been getting worse for several weeks and that "
    "local authorities had not responded to repeated complaints.",
    "Security forces closed the main road and started a search operation in the surrounding "
    "orchards, where cells have staged repeated attacks in recent months.",
    "The wounded were taken to a hospital in {place2}, where two were said to be in a serious "
    "condition.",
    "Officials in {province} said the figures would be reviewed once the full report from the "
    "field teams reached the directorate.",
    "A spokesman for the ministry said the decision had been taken after consultation with the "
    "governors of the affected provinces and would apply from next month.",
    "The agreement still needs the approval of the cabinet, which is expected to discuss it at "
    "its next weekly meeting.",
    "Traders in {place2} said demand had fallen since the start of the month and that many "
    "shops were cutting their opening hours.",
    "Aid agencies warned that about {n00} families were still living in tents and unfinished "
    "buildings and would need help through the winter.",
    "Local officials said they had asked Baghdad for additional funds, generators and water "
    "tankers, but had so far received only part of what was promised.",
    "The committee's chairman told reporters that the ministry had {n} days to submit its answers "
    "in writing.",
    "It was the {ordinal} incident of its kind in the area this month, according to a tally kept "
    "by local police.",
)
WORDS = {
    "verb": ("voted", "met", "agreed", "decided"),
    "politics_act": (
        "approve its reconstruction priorities for the year",
        "elect a new governor",
        "form a committee on public services",
        "reopen talks on the provincial budget",
    ),
    "politics_vote": ("walked out", "voted against the motion", "boycotted the session"),
    "committee": ("energy", "security and defence", "finance", "integrity", "services"),
    "ministry": ("electricity", "oil", "water resources", "interior", "health"),
    "issue": ("power cuts", "oil exports", "salary payments", "water shortages", "the budget"),
    "complaint": (
        "supply had fallen below ten hours a day",
        "promised projects had not started",
        "public salaries were two months late",
    ),
    "court": ("dismissed", "upheld", "deferred a ruling on"),
    "month": ("January", "March", "the summer", "last year's elections"),
    "ordinal": ("second", "third", "fourth"),
}
ARABIC = (
    "حذّر مزارعون في محافظة {p} من تراجع مناسيب المياه في الجداول المتفرعة من نهر الفرات، "
    "وقالوا إن مساحات واسعة من الأراضي المزروعة بالحنطة مهددة بالجفاف إذا لم تُطلق حصص مائية "
    "إضافية خلال الأسبوعين المقبلين"
)
NOTES = (
    "<!-- digest: low confidence (0.50) — keywords: water shortage* -->",
    "<!-- editor: check the figures with the ministry before Thursday -->",
)


def week_ending(number: int) -> date:
    return FIRST_WEEK_ENDING + timedelta(weeks=number - 1)


def period_text(start: date, end: date) -> str:
    if start.year != end.year:
        return f"{start:%B} {start.day}, {start.year} – {end:%B} {end.day}, {end.year}"
    if start.month != end.month:
        return f"{start:%B} {start.day} – {end:%B} {end.day}, {end.year}"
    return f"{start:%B} {start.day} – {end.day}, {end.year}"


class _Issue:
    def __init__(self, number: int) -> None:
        self.rnd = random.Random(number)
        self.number = number
        self.end = week_ending(number)
        self.start = self.end - timedelta(days=6)
        self.serial = 100_000 + number * 40

    def day(self) -> date:
        return self.start + timedelta(days=self.rnd.randrange(7))

    def fill(self, template: str, when: date, **extra: object) -> str:
        rnd = self.rnd
        place, province = rnd.choice(PLACES)
        place2, province2 = rnd.choice(PLACES)
        values: dict[str, object] = {
            "place": place,
            "province": province,
            "place2": place2,
            "province2": province2,
            "when": WEEKDAYS[when.weekday()] + rnd.choice(PARTS_OF_DAY),
            "n": rnd.randint(3, 19),
            "n2": rnd.randint(2, 9),
            "n3": rnd.randint(300, 499),
            "n4": rnd.randint(500, 560),
            "n5": rnd.randint(2, 9),
            "n00": rnd.randint(2, 90) * 50,
            "d": rnd.randint(0, 4),
            "i": rnd.randint(1, 7),
        }
        values.update({key: rnd.choice(words) for key, words in WORDS.items()})
        values.update(extra)
        return template.format(**values)

    def citations(self, section: str, headline: str, when: date) -> tuple[str, list[str]]:
        rnd = self.rnd
        picks = rnd.sample(SECTION_OUTLETS[section], k=rnd.choice((1, 1, 1, 2, 2, 3)))
        slug = "-".join(headline.lower().replace(",", "").split()[:7])
        links = []
        for index in picks:
            name, _, pattern = OUTLETS[index]
            self.serial += 1
            url = pattern.format(
                y=when.year,
                m=when.month,
                d=when.day,
                iso=when.isoformat(),
                slug=slug,
                section=section,
                n=self.serial,
            )
            links.append(f"[{name}]({url})")
        return " (" + ", ".join(links) + ")", [OUTLETS[i][0] for i in picks]

    def paragraph(self, section: str) -> tuple[str, str, date, tuple[int, int] | None]:
        rnd = self.rnd
        when = self.day()
        lead = self.fill(rnd.choice(LEADS[section]), when)
        follows = [self.fill(rnd.choice(FOLLOWS), when) for _ in range(rnd.randint(1, 3))]
        if rnd.random() < 0.3:
            lead = f"On {when:%B} {when.day}, {lead[0].lower()}{lead[1:]}"
        cites, _ = self.citations(section, lead, when)
        text = lead + ". " + " ".join(follows)
        text = text[:-1] + cites + "."
        casualties = None
        if section == "security":
            casualties = (rnd.randint(0, 5), rnd.randint(0, 9))
        return text, lead, when, casualties

    def section(self, key: str, out: list[str]) -> None:
        rnd = self.rnd
        paragraphs = [self.paragraph(key) for _ in range(rnd.randint(4, 7))]
        top = sorted(paragraphs, key=lambda p: -len(p[0]))[:2]
        headline = "; ".join(_headline(p[1]) for p in top)
        out.append(f"## {headline} {{#{key}}}\n")
        out.append("Takeaway: " + " ".join(p[1] + "." for p in top) + "\n")
        if key in ("humanitarian", "economy") and rnd.random() < 0.35:
            place = rnd.choice(PLACES)[1]
            when = self.day()
            cites, _ = self.citations(key, "arabic", when)
            at = rnd.randrange(len(paragraphs))
            paragraphs.insert(at, (ARABIC.format(p=place) + cites + ".", "", when, None))
        for text, _, _, _ in sorted(paragraphs, key=lambda p: p[2]):
            out.append(text + "\n")
            if rnd.random() < 0.08:
                out.append(rnd.choice(NOTES) + "\n")
        if key == "security":
            out.append("| Date | Location | Deaths | Injuries |\n| --- | --- | ---: | ---: |")
            rows = []
            for _ in range(rnd.randint(4, 10)):
                place, province = rnd.choice(PLACES)
                where = place if place == province else f"{place}, {province}"
                deaths = "?" if rnd.random() < 0.1 else str(rnd.randint(0, 5))
                injuries = "?" if rnd.random() < 0.15 else str(rnd.randint(0, 9))
                rows.append(f"| {self.day().isoformat()} | {where} | {deaths} | {injuries} |")
            out.append("\n".join(sorted(rows)) + "\n")

    def markdown(self) -> str:
        slug = self.end.isoformat()
        period = period_text(self.start, self.end)
        items = self.rnd.randint(35, 60)
        stamp = hashlib.sha256(f"issue {self.number}".encode()).hexdigest()
        out = [
            f"Title: {SITENAME}: {period}\nDate: {slug}\nSlug: {slug}\nIssue: {self.number}\n"
            f"Period: {self.start.isoformat()} to {slug}\nLayout: weekly\n",
            f"<!-- digest:draft sha256:{stamp} — drafted by digest from {items} items from 7 "
            "sources. Edit freely: once you change this file, `digest draft` leaves it alone "
            "unless you pass --force. -->\n",
        ]
        for key in ("politics", "security", "humanitarian", "economy"):
            self.section(key, out)
        return "\n".join(out)


def _headline(lead: str) -> str:
    words = lead.replace(",", "").split()[:9]
    small = {"a", "an", "the", "of", "on", "in", "to", "and", "for", "near", "by", "at"}
    return " ".join(
        w if (i and w.lower() in small) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def issue_markdown(number: int) -> tuple[str, str]:
    """(slug, Markdown) of issue `number` (1 = the week ending FIRST_WEEK_ENDING)."""
    return week_ending(number).isoformat(), _Issue(number).markdown()


def write_issue(folder: Path, number: int) -> Path:
    slug, text = issue_markdown(number)
    path = folder / f"{slug}.md"
    path.write_text(text, encoding="utf-8")
    return path


def write_archive(folder: Path, count: int) -> list[Path]:
    """Issues 1..count into folder/<week-ending>.md."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_issue(folder, n) for n in range(1, count + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--issues", type=int, default=52)
    args = parser.parse_args()
    paths = write_archive(args.out, args.issues)
    words = [len(p.read_text(encoding="utf-8").split()) for p in paths]
    print(
        f"{len(paths)} issues into {args.out}: {min(words)}-{max(words)} words, "
        f"{sum(words) / len(words):.0f} on average"
    )


if __name__ == "__main__":
    main()
