"""Arabic relative day words anchored: "أمس" -> "في 4 شباط", "مساء الأحد" -> "مساء 4 شباط".

The Arabic half of `anchoring`, which finds the phrases of both languages and calls here
for the ones whose rule starts with "ar_" (RULES): `is_reference` tells a day from a custom
or a name, `resolve` writes the date, `absolute_days` reads dates already written out
("4 شباط", "4 من شباط"). The rules, as Iraqi and Levantine news copy writes them:

- a weekday, bare or after "يوم" or a part of the day ("يوم الأحد", "مساء الأحد", "الأحد
  الماضي"): looks back to its last occurrence (the publication day included), or ahead
  when the clause speaks of the future or the weekday says "المقبل"/"القادم";
- a day: "أمس", "أول أمس", "البارحة", "اليوم", "الليلة", "غدًا", "بعد غد";
- a span: "الأسبوع الماضي" -> "الأسبوع الذي بدأ في 29 كانون الثاني", "الشهر الماضي" ->
  "في كانون الثاني", "العام المقبل" -> "في عام 2025"; "هذا الأسبوع" (the issue's) is
  dropped, or becomes "الأسبوع" where it is the clause's subject ("إن هذا الأسبوع شهد");
- a day counted from another: "في اليوم التالي", "قبل ذلك بيوم", "قبل يومين", "قبل ثلاثة
  أيام".

Not days: a weekday followed by its date ("الأحد 4 شباط") or naming a custom ("صلاة
الجمعة", "خطبة الجمعة", "سوق الجمعة"); "اليوم" qualified by an adjective or a demonstrative
("اليوم التالي للهجوم", "في ذلك اليوم": the story's day, not today); "الغد" alone ("the
future"); "العام الحالي" after a definite noun ("الأمين العام الحالي": the current
secretary-general).

Dates are written with the Levantine/Iraqi month names, in the digits the text uses
(Arabic-Indic where all its digits are), after "في" unless a preposition ("منذ", "خلال",
"قبل" ...) or a part of the day already leads; a conjunction "و" on the phrase is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from digest.text import dates
from digest.text.day_phrase import Resolved, is_subject, nearest, weekday_date

_AR_MONTH_NAMES = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_AR_WEEKDAY = "|".join(sorted(dates.AR_DAY_NAMES, key=len, reverse=True))
_AR_PART = r"(?:مساء|صباح|ليلة|ليل|فجر|ظهر|ظهيرة|عصر|نهار)"
_AR_PARTS = {"ليل": "ليلة", "ظهيرة": "ظهر", "نهار": ""}

RULES: dict[str, re.Pattern[str]] = {
    "ar_weekday": re.compile(
        rf"(?<!\w)(?P<conj>و)?(?:(?P<pre>يوم|{_AR_PART} يوم|{_AR_PART})\s+)?(?P<wd>{_AR_WEEKDAY})"
        r"(?:\s+(?P<dir>الماضي|المنصرم|الفائت|المقبل|القادم))?(?!\w)"
    ),
    "ar_day": re.compile(
        rf"(?<!\w)(?P<conj>و)?(?:(?P<pre>يوم|{_AR_PART})\s+)?(?P<rel>أول من أمس|أول أمس|اول من"
        r" امس|اول امس|أمس الأول|امس الاول|أمس|امس|البارحة|اليوم|الليلة الماضية|الليلة|غدًا|غداً"
        rf"|غدا|الغد|بعد غد)(?:\s+(?P<wd>{_AR_WEEKDAY}))?(?!\w)"
    ),
    "ar_span": re.compile(
        r"(?<!\w)(?P<conj>و)?(?:(?P<prep>في|خلال|منذ|مطلع|أوائل|اوائل|بداية|أواخر|اواخر|نهاية"
        r"|منتصف)\s+)?(?:(?P<this>هذا|هذه)\s+)?(?P<unit>الأسبوع|الاسبوع|الشهر|العام|السنة)"
        r"(?:\s+(?P<dir>الماضي|الماضية|المنصرم|المنصرمة|الفائت|الفائتة|المقبل|المقبلة|القادم"
        r"|القادمة|الجاري|الجارية|الحالي|الحالية))?(?!\w)"
    ),
    "ar_near": re.compile(
        r"(?<!\w)(?P<conj>و)?(?P<rel>في (?:نفس اليوم|اليوم نفسه|اليوم ذاته|ذات اليوم|اليوم التالي"
        r"|اليوم السابق)|قبل ذلك بيوم|بعد ذلك بيوم|نفس اليوم|اليوم نفسه|اليوم التالي"
        r"|اليوم السابق|قبل (?:يومين|أسبوع|(?P<n>[0-9]+|ثلاثة|أربعة|خمسة|ستة|سبعة) أيام))"
        r"(?!\w)(?!\s+(?:من|ل))"  # "اليوم التالي للهجوم": the day after the attack
    ),
}
_AR_DATED_AFTER = re.compile(r"\s*[،,]?\s*(?:الموافق\s+)?[0-9٠-٩]")
_AR_NOT_DAY_BEFORE = re.compile(r"(?:صلاة|صلوات|خطبة|خطب|خطيب|إمام|امام|سوق|عطلة|كلا|بين)\s+$")
_AR_NOT_TODAY_BEFORE = re.compile(r"(?:في|نفس|ذلك|هذا|كل|طوال|منتصف|خلال|تلك|هذه)\s+$")
_AR_ADJECTIVE_AFTER = re.compile(r"\s+ال\w+")
_AR_PREPOSITION = re.compile(
    r"(?:في|منذ|حتى|قبل|بعد|من|إلى|الى|خلال|مطلع|أوائل|أواخر|منتصف|بداية|نهاية)\s+$"
)


def is_reference(rule: str, m: re.Match[str], text: str) -> bool:
    """Whether an Arabic match names a day relative to now, not a custom or a date."""
    before, after = text[: m.start()], text[m.end() :]
    if rule == "ar_weekday":
        return not (_AR_DATED_AFTER.match(after) or _AR_NOT_DAY_BEFORE.search(before))
    if rule == "ar_day":
        rel = m.group("rel")
        if rel in ("اليوم", "الليلة") and not m.group("wd"):
            # "اليوم التالي" (the next day), "في ذلك اليوم": the day of the story, not today.
            adjective = _AR_ADJECTIVE_AFTER.match(after)
            if adjective or _AR_NOT_TODAY_BEFORE.search(before):
                return False
        return rel != "الغد" or m.group("pre") is not None  # "الغد" alone: "the future"
    if rule == "ar_span":
        if not (m.group("this") or m.group("dir")):
            return False
        if m.group("this") and m.group("dir"):
            return False
        # "الأمين العام الحالي": after a definite noun, العام is "general", not "the year".
        # ("the current general secretary"); "الإنتاج العام الماضي" is last year's output.
        current = (m.group("dir") or "").startswith("الحالي")
        definite = re.search(r"(?<!\w)ال\w+\s+$", before)
        return not (current and m.group("unit") in ("العام", "السنة") and definite)
    return True


def resolve(rule: str, m: re.Match[str], text: str, published: date, reference: date) -> Resolved:
    """An Arabic phrase written as a date; `reference` is the last day named before it."""
    before = text[: m.start()]
    if rule == "ar_weekday":
        return _arabic_weekday(m, text, published)
    if rule == "ar_day":
        return _arabic_day(m, before, published)
    if rule == "ar_span":
        return _arabic_span(m, before, published)
    return _arabic_near(m, before, published, reference)


def absolute_days(text: str, published: date) -> Iterator[tuple[int, int, date]]:
    """(start, end, day) of each Arabic date written out: "4 شباط", "4 من شباط"."""
    names = "|".join(sorted(dates.AR_MONTH_NAMES, key=len, reverse=True))
    for m in re.finditer(rf"(?<!\d)([0-9\u0660-\u0669]{{1,2}})\s+(?:من\s+)?({names})(?!\w)", text):
        day = nearest(published, dates.AR_MONTH_NAMES[m.group(2)], int(m.group(1)))
        if day:
            yield m.start(), m.end(), day


# --------------------------------------------------------------------------- writing


def _ar_date(day: date, text_digits_indic: bool) -> str:
    number = str(day.day).translate(_INDIC) if text_digits_indic else str(day.day)
    return f"{number} {_AR_MONTH_NAMES[day.month - 1]}"


def _ar_phrase(day: date, m: re.Match[str], before: str, part: str) -> str:
    """ "في 4 شباط", "مساء 4 شباط"; after a preposition ("منذ") the date alone. Digits as
    the text writes them."""
    digits = re.findall(r"[0-9\u0660-\u0669]", m.string)
    core = _ar_date(day, bool(digits) and all(not d.isascii() for d in digits))
    part = _AR_PARTS.get(part, part)
    if part:
        core = f"{part} {core}"
    elif not _AR_PREPOSITION.search(before):
        core = f"في {core}"
    return (m.group("conj") or "") + core


def _part_of(pre: str | None) -> str:
    if not pre:
        return ""
    word = pre.split()[0]
    return "" if word == "يوم" else word


def _arabic_weekday(m: re.Match[str], text: str, published: date) -> Resolved:
    way = m.group("dir") or ""
    direction = (
        "last"
        if way in ("الماضي", "المنصرم", "الفائت")
        else "next"
        if way in ("المقبل", "القادم")
        else "ahead"
        if dates.ahead(text, m.start())
        else "back"
    )
    day = weekday_date(dates.AR_DAY_NAMES[m.group("wd")], published, direction)
    before = text[: m.start()]
    back = direction in ("back", "last")
    return Resolved(_ar_phrase(day, m, before, _part_of(m.group("pre"))), day, back)


def _arabic_day(m: re.Match[str], before: str, published: date) -> Resolved:
    rel = m.group("rel")
    if rel in ("أول من أمس", "أول أمس", "اول من امس", "اول امس", "أمس الأول", "امس الاول"):
        offset = -2
    elif rel in ("أمس", "امس", "البارحة", "الليلة الماضية"):
        offset = -1
    elif rel in ("غدًا", "غداً", "غدا", "الغد"):
        offset = 1
    else:
        offset = 2 if rel == "بعد غد" else 0
    part = _part_of(m.group("pre"))
    if rel in ("الليلة", "الليلة الماضية") and not part:
        part = "ليلة"
    day = published + timedelta(days=offset)
    return Resolved(_ar_phrase(day, m, before, part), day, offset <= 0)


def _arabic_near(m: re.Match[str], before: str, published: date, reference: date) -> Resolved:
    rel = m.group("rel")
    if rel.startswith("قبل") and "ذلك" not in rel:  # "قبل يومين": two days ago
        n = 2 if "يومين" in rel else 7 if "أسبوع" in rel else _ar_count(m.group("n"))
        day = published - timedelta(days=n)
    elif "التالي" in rel or rel == "بعد ذلك بيوم":
        day = reference + timedelta(days=1)
    elif "السابق" in rel or rel == "قبل ذلك بيوم":
        day = reference - timedelta(days=1)
    else:
        day = reference
    phrase = _ar_phrase(day, m, before if not rel.startswith("في") else "", "")
    return Resolved(phrase, day, False)


def _ar_count(word: str | None) -> int:
    words = {"ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7}
    return int(word) if word and word.isdigit() else words.get(word or "", 3)


def _arabic_span(m: re.Match[str], before: str, published: date) -> Resolved:
    unit, way = m.group("unit"), m.group("dir") or ""
    step = (
        -1
        if way.startswith(("الماضي", "المنصرم", "الفائت"))
        else 1
        if way.startswith(("المقبل", "القادم"))
        else 0
    )
    prep = m.group("prep")
    if unit in ("الأسبوع", "الاسبوع"):
        if step == 0:  # "إن هذا الأسبوع شهد" -> "إن الأسبوع شهد"
            subject = is_subject(before, m.string[m.end() :])
            return Resolved((m.group("conj") or "") + "الأسبوع" if subject else "", None, True)
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
        verb = "بدأ" if step < 0 else "يبدأ"
        core = f"الأسبوع الذي {verb} في {_ar_date(monday, False)}"
    elif unit == "الشهر":
        index = published.month - 1 + step
        year, month = published.year + index // 12, index % 12 + 1
        core = _AR_MONTH_NAMES[month - 1] + ("" if year == published.year else f" {year}")
    else:
        core = f"عام {published.year + step}"
    if prep:
        core = f"{prep} {core}"
    elif not _AR_PREPOSITION.search(before):
        core = f"في {core}"
    return Resolved((m.group("conj") or "") + core, None, step <= 0)
