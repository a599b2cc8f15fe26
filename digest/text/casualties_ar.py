"""Casualty figures in an Arabic report, in the style of Iraqi news copy.

"قُتل جنديان وأصيب ثلاثة آخرون" (two killed, three wounded), "مقتل راعٍ وإصابة نجله" (a
shepherd killed, his son wounded), "أربعة قتلى و11 جريحاً", "لقي موظف حتفه" (an employee
died), "من دون وقوع إصابات بشرية", "لم تسفر عن إصابات", "اقتصرت الأضرار على الماديات" (no
casualties: only material damage). Militants killed ("مقتل خمسة إرهابيين", "مقتل 4 من عناصر
داعش", "فجّر الانتحاري نفسه") are counted apart from the other dead, as casualties.py does.
Words are compared in arabic.normal form (no diacritics, one alef, final ة as ه), with the
conjunction and prepositions they carry stripped, so the lists below are written in that form.
"""

from __future__ import annotations

import re

from digest.text import arabic


def _listed(words: str) -> frozenset[str]:
    """A word list in the form words are compared in."""
    return frozenset(arabic.normal(w) for w in words.split())


NUMBERS = {
    **dict.fromkeys(("واحد", "واحده"), 1),
    **dict.fromkeys(("اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني"), 2),
    **dict.fromkeys(("ثلاثه", "ثلاث"), 3),
    **dict.fromkeys(("اربعه", "اربع"), 4),
    **dict.fromkeys(("خمسه", "خمس"), 5),
    **dict.fromkeys(("سته", "ست"), 6),
    **dict.fromkeys(("سبعه", "سبع"), 7),
    **dict.fromkeys(("ثمانيه", "ثماني", "ثمان"), 8),
    **dict.fromkeys(("تسعه", "تسع"), 9),
    **dict.fromkeys(("عشره", "عشر"), 10),
    **dict.fromkeys(("احد", "احدي"), 1),  # only before عشر: "احد عشر" = 11
    **{w: 10 * n for n, w in enumerate("عشرين ثلاثين اربعين خمسين".split(), 2)},
    **{w: 10 * n for n, w in enumerate("عشرون ثلاثون اربعون خمسون".split(), 2)},
}
# Victims named in the singular count one: "مقتل موظف", "أصيب نجله" (his son).
_ONE = _listed(
    "جندي شرطي منتسب ضابط عنصر مقاتل مسلح ارهابي شخص مدني مواطن رجل امراه شاب طفل طفله "
    "فتى فتاه راعي راع فلاح مزارع سائق عامل موظف مختار شيخ طالب حارس صحفي ناشط تاجر صراف "
    "صاحب مهندس طبيب معلم قيادي مسؤول ابن ابنه نجل شقيق شقيقه زوج زوجه اخ والد والده"
)
_KIN = _listed("نجل ابن شقيق زوج زوجت اخ اخو اخي والد والدت عم خال")
# Duals of nouns whose plural has another shape, so -ين/-ان can only mean two.
_TWO_STEMS = _listed("جندي شرطي ضابط عنصر شخص رجل شاب طفل راعي شقيق حارس")
_MANY = _listed(
    "جنود شرطه منتسبين ضباط عناصر مقاتلين مسلحين ارهابيين اشخاص مدنيين مواطنين رجال شبان "
    "اطفال عمال موظفين اخرين اخرون عدد العشرات عشرات"
)
_KILLED = _listed("قتل مقتل قتلت تقتل يقتل قتلوا مصرع استشهد استشهاد")
_ASSASSINATED = _listed("اغتال اغتالوا اغتيال")  # of one person, unless counted
_WOUNDED = _listed("اصيب اصيبت اصيبوا اصابه جرح")
_DEAD_NOUNS = {"قتلي": None, "قتيلا": None, "قتيل": 1, "قتيلان": 2, "قتيلين": 2}  # قتلى
_HURT_NOUNS = {"جرحي": None, "جريحا": None, "جريح": 1, "جريحان": 2, "جريحين": 2}
_HURT_NOUNS |= {"مصابين": None, "مصابا": None}
_TIME = _listed(
    "يوم امس اليوم صباح مساء فجر ليله ظهر عصر ليل الاحد الاثنين الثلاثاء الاربعاء الخميس "
    "الجمعه السبت"
)
_NO_HARM = re.compile(
    r"دون (?:وقوع |تسجيل |حدوث |ان (?:تسفر|يسفر|تسبب|يسبب) (?:عن )?)?(?:اي )?(?:اصابات|خسائر|ضحايا)"
    r"|(?:لم|لا|ولم) (?:تسفر|يسفر|تسجل|يسجل|تقع|يقع|يصب|تصب|ينجم|تنجم|يخلف|تخلف|يوقع|توقع|تسبب|"
    r"يسبب|تؤد|يؤد|تودي|يودي)(?: \S+){0,2}? (?:عن |الي )?(?:وقوع )?(?:اي )?"
    r"(?:اصابات|اصابه|خسائر|ضحايا|احد)"
    r"|(?:لا|بلا) (?:توجد )?(?:اصابات|خسائر)"
    # "the damage was limited to material (losses)": no one hurt
    r"|اقتصرت (?:ال)?(?:اضرار|خسائر)(?: \S+)? (?:علي )?(?:ال)?(?:ماديات|ماديه|جانب المادي)"
    r"|(?:اضرار|خسائر) ماديه (?:فقط|حسب)"
)
_NO_DEATHS = re.compile(r"لم (?:يقتل|يسفر عن مقتل|تسفر عن مقتل) (?:اي )?احد|دون (?:وقوع )?قتلي")
# Militants killed: the victim word, or the group they belong to ("من عناصر داعش").
# Not the nominative plural ("مسلحون"): after a verb that is its subject, the attackers
# ("اغتال مسلحون مختار القرية": gunmen killed the mukhtar).
_MILITANT = _listed(
    "ارهابي ارهابيا ارهابيين داعش داعشي داعشيا داعشيين دواعش انتحاري انتحاريا انتحاريين "
    "مسلح مسلحا مسلحين متسلل متسللين"
)
# Words that end the victims' phrase: what follows is how or where, not who.
_PHRASE_END = _listed("في اثر جراء خلال عند علي بعد اثناء قرب جنوب شمال شرق غرب بين")
_SELF = re.compile(r"(?:فجر|فجرا|فجروا|يفجر) (?:\S+ ){0,3}?(?:نفسه|انفسهم|نفسيهما)")
_DEATH_WORD = re.compile(r"قتل|قتيل|حتف|مصرع|استشهد|اغتال|اغتيال|وفاه|توفي")
_WORD = re.compile(r"\d+|[^\W\d_]+")


def read(text: str) -> dict[str, int | bool | None]:
    """The fields of a casualties.Reading for an Arabic text."""
    words = [arabic.normal(w) for w in _WORD.findall(arabic.strip_marks(text))]
    joined = " ".join(words)
    deaths: tuple[bool, int | None] = (False, None)
    militants: tuple[bool, int | None] = (False, None)
    injuries: tuple[bool, int | None] = (False, None)
    for i, word in enumerate(words):
        stems = list(arabic.forms(word))
        if not deaths[0] or not militants[0]:
            found = _deaths_at(words, i, stems)
            assassinated = bool(set(stems) & _ASSASSINATED)  # the victim is no militant
            if found[0] and not assassinated and _militant(words, i + 1):
                militants = militants if militants[0] else found
            elif found[0]:
                deaths = deaths if deaths[0] else found
        if not injuries[0]:
            if set(stems) & _WOUNDED:
                injuries = _count(words, i + 1)
            elif word in _HURT_NOUNS or (stems[-1] in _HURT_NOUNS and word.startswith("و")):
                injuries = _counted_noun(words, i, _HURT_NOUNS[stems[-1]])
    if not militants[0] and _SELF.search(joined) and "انتحاري" in joined:
        militants = (True, 1)  # the suicide bomber blew himself up
    if militants[0] and not deaths[0]:
        deaths = (True, 0)  # only militants were counted: no one else died
    return {
        "deaths": deaths[1],
        "injuries": injuries[1],
        "militants": militants[1],
        "mentions_deaths": deaths[0] or bool(_DEATH_WORD.search(joined)),
        "mentions_injuries": injuries[0],
        "no_deaths": bool(_NO_DEATHS.search(joined)),
        "no_harm": bool(_NO_HARM.search(joined)),
    }


def _militant(words: list[str], j: int) -> bool:
    """Whether the victims named from word j are militants: "خمسة إرهابيين", "4 من عناصر
    داعش"; the phrase ends at a word that says how or where ("مدني برصاص مسلحين") or adds
    other victims ("جنديين وثلاثة إرهابيين": the soldiers are not militants)."""
    phrase = [w for w in words[j : j + 8] if w not in _TIME][:4]
    for k, word in enumerate(phrase):
        if set(arabic.forms(word)) & _MILITANT:
            return True
        if word in _PHRASE_END or (k and word.startswith(("ب", "و"))):  # how, or who else
            return False
    return False


def _deaths_at(words: list[str], i: int, stems: list[str]) -> tuple[bool, int | None]:
    if set(stems) & _KILLED:
        return _count(words, i + 1)
    if set(stems) & _ASSASSINATED:
        found, n = _count(words, i + 1)
        return True, n if found and n is not None else 1
    if stems[0] == "لقي":  # "لقي موظف ... حتفه": met his death
        ending = next((w for w in words[i + 1 : i + 10] if w.startswith(("حتف", "مصرع"))), "")
        if ending:
            found, n = _count(words, i + 1)
            return True, n if found else (1 if ending.endswith("ه") else None)
    if stems[-1] in _DEAD_NOUNS and (words[i] in _DEAD_NOUNS or words[i].startswith("و")):
        return _counted_noun(words, i, _DEAD_NOUNS[stems[-1]])
    return False, None


def _counted_noun(words: list[str], i: int, own: int | None) -> tuple[bool, int | None]:
    """ "أربعة قتلى", "و11 جريحاً", "ثلاثة عشر قتيلاً": the number before the noun; "قتيل"
    alone counts itself."""
    before = [w[1:] if w[:1] == "و" and w[1:] in NUMBERS else w for w in words[max(0, i - 2) : i]]
    if before and (before[-1].isdigit() or before[-1] in NUMBERS):
        teen = len(before) == 2 and before[0] in NUMBERS and before[1] in ("عشر", "عشره")
        return _number(before, 0 if teen else len(before) - 1)
    return True, own


def _count(words: list[str], j: int) -> tuple[bool, int | None]:
    """The victims named after a verb or noun: a number, a dual, a singular noun, or many."""
    while j < len(words) and words[j] in _TIME:
        j += 1
    if j >= len(words):
        return False, None
    word = words[j]
    if word.isdigit() or word in NUMBERS:
        return _number(words, j)
    for stem in arabic.forms(word):
        if stem in ("اخران", "اخرين"):  # "two others", or "others" (the plural's form too)
            return True, 2 if stem == "اخران" else None
        if stem[:-2] in _TWO_STEMS and stem.endswith(("ين", "ان")):
            return True, 2
        if stem in _ONE or stem[:-1] in _KIN or stem[:-2] in _KIN:  # "نجله": his son
            return True, 1
        if stem in _MANY:
            return True, None
    return False, None


def _number(words: list[str], j: int) -> tuple[bool, int | None]:
    word = words[j]
    value = int(word) if word.isdigit() else NUMBERS[word]
    following = words[j + 1] if j + 1 < len(words) else ""
    if not word.isdigit() and value < 10 and following in ("عشر", "عشره"):
        value += 10  # "ثلاثة عشر" = 13
    return True, value
