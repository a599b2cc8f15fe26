"""Written news English as it is said: dates, numbers, money, percentages and ranges as
words, abbreviations expanded, symbols and links left out. Pure: text in, text out.

A speech engine reads "1,495" as "one comma four nine five" or "one thousand four hundred
ninety-five" depending on its front end, and "Feb 4" or "4,500 MW" worse; doing it here
makes every engine say the same thing, and the transcript shows what is said.

The order of the rules matters: dates before bare numbers (the 4 of "February 4" is an
ordinal), money and percentages before ranges and numbers, abbreviations last (they see
the words the numbers became, so "one MW" can say "megawatt").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_ENDINGS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH_ABBREVIATIONS = {name[:3]: name for name in MONTHS} | {"Sept": "September"}


def cardinal(number: int) -> str:
    """1495 -> "one thousand four hundred ninety-five" (American style, no "and")."""
    if number < 0:
        return "minus " + cardinal(-number)
    if number >= 10**15:  # an identifier more than a quantity: read it digit by digit
        return digits(str(number))
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, rest = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[rest]}" if rest else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {cardinal(rest)}" if rest else "")
    for scale, name in _SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            return f"{cardinal(high)} {name}" + (f" {cardinal(rest)}" if rest else "")
    raise AssertionError(number)  # unreachable: every number >= 1000 has a scale


def ordinal(number: int) -> str:
    """4 -> "fourth", 21 -> "twenty-first", 100 -> "one hundredth"."""
    words = cardinal(number)
    head, _, last = words.rpartition(" ")
    stem, dash, unit = last.rpartition("-")
    if unit in _ORDINAL_ENDINGS:
        unit = _ORDINAL_ENDINGS[unit]
    elif unit.endswith("y"):
        unit = unit[:-1] + "ieth"
    else:
        unit += "th"
    last = f"{stem}{dash}{unit}"
    return f"{head} {last}" if head else last


def year(number: int) -> str:
    """2024 -> "twenty twenty-four", 2005 -> "two thousand five", 1990 -> "nineteen
    ninety", 1905 -> "nineteen oh five"."""
    if not 1000 <= number <= 9999 or 2000 <= number <= 2009 or number % 1000 == 0:
        return cardinal(number)
    high, low = divmod(number, 100)
    if low == 0:
        return f"{cardinal(high)} hundred"
    if low < 10:
        return f"{cardinal(high)} oh {cardinal(low)}"
    return f"{cardinal(high)} {cardinal(low)}"


def digits(text: str) -> str:
    return " ".join(_ONES[int(d)] for d in text if d.isdigit())


def decimal(text: str) -> str:
    """ "3.5" -> "three point five", "1,495" -> "one thousand four hundred ninety-five"."""
    whole, _, fraction = text.replace(",", "").partition(".")
    said = cardinal(int(whole or "0"))
    return f"{said} point {digits(fraction)}" if fraction else said


# --------------------------------------------------------------------------- the rules

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_DASH = r"\s?[-\u2010-\u2015]\s?"  # a hyphen, en or em dash, spaced or not
_MONTH = r"(?P<{0}>" + "|".join(MONTHS) + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>1[89]\d\d|20\d\d)"

# "February 4", "Feb. 4th", "February 2 – 8, 2024", "February 26 – March 3, 2024",
# "December 28, 2023 – January 3, 2024"
_MONTH_DAY = re.compile(
    r"\b"
    + _MONTH.format("m1")
    + r"\s+"
    + _DAY.format("d1")
    + r"(?:,?\s+"
    + _YEAR.format("y1")
    + r")?(?:"
    + _DASH
    + r"(?:"
    + _MONTH.format("m2")
    + r"\s+)?"
    + _DAY.format("d2")
    + r")?(?:,?\s+"
    + _YEAR.format("y2")
    + r")?(?![\d,]*\d)"
)
# "4 February", "4 February 2024", "2–8 February 2024"
_DAY_MONTH = re.compile(
    r"\b"
    + _DAY.format("d1")
    + r"(?:"
    + _DASH
    + _DAY.format("d2")
    + r")?\s+"
    + _MONTH.format("m1")
    + r"(?:,?\s+"
    + _YEAR.format("y1")
    + r")?\b"
)
_MONTH_YEAR = re.compile(r"\b" + _MONTH.format("m1") + r",?\s+" + _YEAR.format("y1") + r"\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\s?(?:(a\.?m\.?|p\.?m\.?)(?!\w))?", re.I)
_CURRENCIES = {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("pound", "pounds")}
_MONEY = re.compile(
    r"(?:US)?(?P<sign>[$€£])\s?(?P<number>" + _NUMBER + r")"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|m)\b)?"
)
_PERCENT = re.compile(
    r"(?<![\w.,])(?P<a>" + _NUMBER + r")(?:" + _DASH + r"(?P<b>" + _NUMBER + r"))?"
    r"\s?(?:%|per ?cent\b)"
)
_RANGE = re.compile(
    r"(?<![\w.,\-\u2010-\u2015])(?P<a>" + _NUMBER + r")" + r"\s?[\u2013\u2014-]\s?"
    r"(?P<b>" + _NUMBER + r")(?![\w\-\u2010-\u2015]|[.,]\d)"
)
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_ANY_NUMBER = re.compile(r"(?<!\d)(" + _NUMBER + r")(?!\d)")
_WORD_DASH = re.compile(r"\s*[\u2013\u2014\u2015]\s*|\s+-\s+")  # a dash between words: a pause
_URL = re.compile(r"(?:https?://|www\.)\S*[^\s.,;:!?)\]'\"]", re.I)  # not its full stop
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Right-to-left letters in an English sentence ("Kirkuk (كركوك) city"): an English voice
# cannot say them; the paragraphs in those languages are routed to their own voice.
_RTL_RUN = re.compile(
    r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF][\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\s\u200c-\u200f]*"
)
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)|\[\s*\]")
_SYMBOLS = {
    "&": " and ",
    "+": " plus ",
    "=": " equals ",
    "#": " number ",
    "@": " at ",
    "~": " about ",
    "°C": " degrees Celsius",
    "°F": " degrees Fahrenheit",
    "°": " degrees",
}
_ASIDES = str.maketrans({"(": ", ", ")": ", ", "[": ", ", "]": ", ", '"': " ", "*": " ", "_": " "})
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def _month(name: str) -> str:
    name = name.rstrip(".")
    return name if name in MONTHS else _MONTH_ABBREVIATIONS.get(name, name)


def _day(text: str) -> str | None:
    day = int(text)
    return ordinal(day) if 1 <= day <= 31 else None


def _month_day(match: re.Match[str]) -> str:
    first = _day(match["d1"])
    if first is None:
        return match.group(0)
    said = f"{_month(match['m1'])} {first}"
    if match["y1"]:
        said += f", {year(int(match['y1']))}"
    if match["d2"]:
        second = _day(match["d2"])
        if second is None:
            return match.group(0)
        month = f"{_month(match['m2'])} " if match["m2"] else ""
        said += f" to {month}{second}"
    if match["y2"]:
        said += f", {year(int(match['y2']))}"
    return said


def _day_month(match: re.Match[str]) -> str:
    first = _day(match["d1"])
    if first is None:
        return match.group(0)
    said = f"the {first}"
    if match["d2"]:
        second = _day(match["d2"])
        if second is None:
            return match.group(0)
        said += f" to the {second}"
    said += f" of {_month(match['m1'])}"
    if match["y1"]:
        said += f", {year(int(match['y1']))}"
    return said


def _iso_date(match: re.Match[str]) -> str:
    year_, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return f"{MONTHS[month - 1]} {ordinal(day)}, {year(year_)}"


def _clock(match: re.Match[str]) -> str:
    hour, minute, half = int(match[1]), int(match[2]), match[3]
    if half is None and match.group(0)[len(match[1])] == ".":
        return match.group(0)  # "3.45" without a.m./p.m. is a decimal, not a time
    said = cardinal(hour)
    if minute:
        said += f" oh {cardinal(minute)}" if minute < 10 else f" {cardinal(minute)}"
    elif half is None:
        said += " o'clock"
    if half:
        said += " a m" if half[0].lower() == "a" else " p m"
    return said


def _money(match: re.Match[str]) -> str:
    singular, plural = _CURRENCIES[match["sign"]]
    number = match["number"]
    scale = {"bn": "billion", "m": "million"}.get(match["scale"] or "", match["scale"] or "")
    said = decimal(number)
    if scale:
        return f"{said} {scale} {plural}"
    return f"{said} {singular if number == '1' else plural}"


def _percent(match: re.Match[str]) -> str:
    if match["b"]:
        return f"{decimal(match['a'])} to {decimal(match['b'])} percent"
    return f"{decimal(match['a'])} percent"


def _number_or_year(text: str) -> str:
    """A bare four-digit number from 1900 to 2099 is a year ("since 2014"); any other
    number is a quantity."""
    if re.fullmatch(r"(?:19|20)\d\d", text):
        return year(int(text))
    return decimal(text)


def _range(match: re.Match[str]) -> str:
    return f"{_number_or_year(match['a'])} to {_number_or_year(match['b'])}"


def _ordinal(match: re.Match[str]) -> str:
    return ordinal(int(match[1]))


def _number(match: re.Match[str]) -> str:
    text = match[1]
    if len(text) > 1 and text.startswith("0") and "." not in text:
        return digits(text)  # "007", a code
    return _number_or_year(text)


RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_URL, ""),
    (_EMAIL, ""),
    (_RTL_RUN, ""),
    (_EMPTY_BRACKETS, ""),
    (_ISO_DATE, _iso_date),
    (_MONTH_DAY, _month_day),
    (_DAY_MONTH, _day_month),
    (_MONTH_YEAR, lambda m: f"{_month(m['m1'])} {year(int(m['y1']))}"),
    (_CLOCK, _clock),
    (_MONEY, _money),
    (_PERCENT, _percent),
    (_RANGE, _range),
    (_ORDINAL, _ordinal),
    (_ANY_NUMBER, _number),
    (_WORD_DASH, ", "),
)


def spoken(text: str, lexicon: Mapping[str, str] | None = None) -> str:
    """`text` as a speech engine should read it: no links, numbers and dates as words,
    the lexicon's abbreviations expanded, symbols said or dropped."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = text.replace("\u00a0", " ").replace("…", "...")
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    if lexicon:
        text = expand(text, lexicon)
    for symbol, said in _SYMBOLS.items():
        text = text.replace(symbol, said)
    # An aside in brackets is said as one, between pauses; quotation marks are not said.
    text = text.translate(_ASIDES)
    return tidy(text)


def expand(text: str, lexicon: Mapping[str, str]) -> str:
    """Whole-word, case-sensitive expansion ("US" but not "us"); after "one" a one-word
    plural unit is said in the singular ("one megawatt")."""
    pattern = _lexicon_pattern(tuple(sorted(lexicon, key=lambda k: (-len(k), k))))
    if pattern is None:
        return text

    def said(match: re.Match[str]) -> str:
        words = lexicon[match["word"]]
        one = match["one"] or ""
        plural = words.endswith("s") and not words.endswith("ss")
        if one and " " not in words and plural:
            words = words[:-1]
        if match["possessive"]:  # "PMF's" -> "Popular Mobilisation Forces'"
            words += "'" if plural else "'s"
        return one + words

    return pattern.sub(said, text)


_PATTERNS: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def _lexicon_pattern(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    if keys not in _PATTERNS:
        alternatives = "|".join(re.escape(key) for key in keys)
        _PATTERNS[keys] = (
            re.compile(
                r"(?P<one>\bone )?(?<![A-Za-z0-9])(?P<word>" + alternatives + r")"
                r"(?P<possessive>'s)?(?![A-Za-z0-9])"
            )
            if keys
            else None
        )
    return _PATTERNS[keys]


_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)])")
_SPACE_AFTER = re.compile(r"([(])\s+")
_REPEATED = re.compile(r"([,;:])(?:\s*[,;:])+")
_COMMA_STOP = re.compile(r"[,;:]\s*([.!?])")
_STOP_STOP = re.compile(r"\.(?:\s*\.)+(?!\.)")


def tidy(text: str) -> str:
    """Spaces and punctuation left by what was taken out: "Rises ( ). Partners" ->
    "Rises. Partners"."""
    text = _EMPTY_BRACKETS.sub("", text)
    text = " ".join(text.split())
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    text = _REPEATED.sub(r"\1", text)
    text = _COMMA_STOP.sub(r"\1", text)
    text = _STOP_STOP.sub(".", text)
    return text.strip(" ,;:")
