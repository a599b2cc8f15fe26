"""The vocabulary of outlet boilerplate: the phrases boilerplate.py cuts, and the patterns.

boilerplate.py holds the mechanics (which sentence of which line is looked at, HTML kept
balanced); this module holds the words, in English and Arabic, each pattern compiled when
first used:

- STRONG (English) and STRONG_AR (Arabic): sentence openings that are boilerplate on their
  own (the reader addressed: "Read more", "Follow us on", "اقرأ أيضا", "تابعونا"; the
  article about itself: "This article was originally published", "(Reporting by"; labels
  before a link: "Related:", "مواضيع ذات صلة");
- WEAK: openings that need a reader marker (READER, and READER_AR for Arabic text: us/our,
  click, a platform, "قناتنا") in the same sentence ("For more news …", "لمتابعة آخر الأخبار …");
- ONLY_LABEL: a sentence that is nothing but a label ("Advertisement", "المزيد");
- QUOTED: a sentence reporting speech, which is news whatever it opens with;
- FOOTER and TAIL_LABEL: the end of a line (WordPress's "The post X appeared first on Y",
  a link label "Read more »").

The cheap test before the cues (STRONG, STRONG_AR, WEAK, LABEL) is the first word:
OPENERS, or for a word most news sentences start with ("the", "if", "a"), the first two
(OPENING_PAIRS). A new cue's first word must be added there, or the cue is never tried.
Arabic is written in plain letters (no diacritics; ا for any alef, ي for ى, ه for ة) and
`_ar` makes each pattern match the spellings news copy uses; FOLD brings a first word to
that plain form.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------- Arabic letters

_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u0640"  # diacritics, Quranic marks, tatweel
_VARIANTS = {"ا": "اأإآٱ", "ي": "يى", "ى": "يى", "ه": "هة", "ة": "هة"}


def _ar(pattern: str) -> str:
    """A regex written in plain Arabic letters, made to match any diacritics and tatweel
    after each letter and the spelling variants of alef, ya and ta marbuta. Every letter
    becomes a group, so `?` after a letter still makes the letter optional."""
    out = []
    for char in pattern:
        if "\u0621" <= char <= "\u064a":
            variants = _VARIANTS.get(char)
            letter = f"[{variants}]" if variants else char
            out.append(f"(?:{letter}[{_MARKS}]*)")
        else:
            out.append(char)
    return "".join(out)


def _words(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


# --------------------------------------------------------------------------- the vocabulary

_END = r"(?!\w)"  # \b does not work after an Arabic diacritic (not a word character)
_PLATFORMS_EN = _words(
    "twitter", r"x(?:\.com)?", "facebook", "fb", "telegram", "instagram", "youtube", "whatsapp",
    "tiktok", "linkedin", "threads", "bluesky", "mastodon", "snapchat", "viber", "google news",
    "apple news", "flipboard", "rss",
)  # fmt: skip
# Arabic word lists stay in plain letters here; _ar() is applied once, when compiling.
_PLATFORMS_AR = _words(
    "تويتر", "اكس", "منصه اكس", "فيسبوك", "فيس بوك", "تلغرام", "تليغرام", "تلجرام", "تيلجرام",
    "تيليجرام", "تيلغرام", "تيليغرام", "انستغرام", "انستجرام", "انستقرام", "يوتيوب", "واتساب",
    "واتس اب", "تيك توك", "تيكتوك", "لينكد ان", "سناب شات", "غوغل نيوز", "جوجل نيوز",
)  # fmt: skip
_OURS_AR = _words(
    "قناتنا", "قنواتنا", "صفحتنا", "صفحاتنا", "حسابنا", "حساباتنا", "موقعنا", "تطبيقنا",
    "نشرتنا", "مجموعتنا", "منصتنا", "منصاتنا",
)  # fmt: skip
_PLATFORMS_OR_OURS = f"(?:{_PLATFORMS_AR}|{_OURS_AR})"
# Words that make a sentence speak to the reader: the weak cues need one of them. Two
# patterns, as the strong cues (see STRONG below): a sentence has a marker when either
# finds one, and every Arabic marker is spelled with Arabic letters, so READER_AR (25 ms to
# compile, the English one under 1) is only tried, and compiled, for a text that has one.
_READER = (
    rf"(?-i:\bus\b)|\b(?:our|click|tap|subscribe|newsletter|inbox)\b"
    rf"|\b(?:on|via|at)\s+{_PLATFORMS_EN}\b|t\.me/|@\w",
    re.IGNORECASE,
)
_READER_WORDS_AR = _words(
    "اضغط", "انقر", "اشترك", "اشتركوا", "انضم", "انضموا", "تابعونا", "زوروا", "الرابط"
)
_READER_ARABIC = (_ar(rf"{_PLATFORMS_OR_OURS}|(?<!\w){_READER_WORDS_AR}{_END}"), re.IGNORECASE)

# Sentence openings that are boilerplate on their own (the reader is addressed, or the
# article talks about itself).
_STRONG_EN = [
    # read …
    r"(?:also\s+|must\s+|please\s+)?read(?:\s*[:|»›\-–—]|\s+(?:more|also|next|further|on\b|here|now"
    r"|this\b|it\s+(?:here|on|at|in)|our\b|my\b|the\s+(?:full|whole|complete|original|entire|rest"
    r"|latest|story|article|report|statement|interview|analysis|explainer|transcript|text)\b|full\b"
    r"|all\s+about|in\s+\w+\s*[.!]?$))",
    r"(?:continue|keep|start)\s+reading",
    r"(?:further|recommended|suggested)\s+reading",
    # click, subscribe, sign up, follow, join, share, download, support
    # "click here to/for …"; a bare "click here" is a link's only text in some feeds, kept
    r"(?:click|tap)\s+(?:here\s+(?:to|for|and)\b|the\s+link|on\s+(?:the|this)\s+link|below|through|to\b)",
    r"press\s+here\b",
    r"subscribe\b",
    r"sign[\s-]?up\s+(?:now|today|here|free|(?:for|to)\s+(?:our|free|receive|get|(?:\S+\s+){0,3}?"
    r"(?:newsletters?|alerts|updates|e-?mails?|briefings?)\b))|sign[\s-]?up\s*[.!:]?$",
    r"(?:follow|like|find|friend|join|connect\s+with|contact|email|e-mail|message)\s+us\b",
    rf"follow\s+(?:our|me|@|the\s+latest|live|along|all\s+the|(?:[@\w.'’&-]+\s+){{1,5}}?on\s+{_PLATFORMS_EN}\b)",
    r"join\s+(?:our|the\s+(?:conversation|discussion|debate)|(?:\S+\s+){0,3}?(?:channel|group|community|mailing\s+list)\s+on)\b",
    r"share\s+(?:this|on|via|with\s+(?:your|a)\s+friends?|the\s+(?:article|story|post|video))\b",
    r"share\s*[:|]",
    r"download\s+(?:our|the\s+(?:\S+\s+){0,3}?app|now|it\s+(?:now|here|on|from)|for\s+free)\b",
    r"get\s+(?:our|the\s+(?:\S+\s+)?app|the\s+latest|all\s+the\s+latest|breaking\s+news|daily\s+news)\b",
    r"(?:don['’]t|do\s+not|never)\s+miss\b",
    r"support\s+(?:us|our\s+(?:work|journalism|reporting|newsroom)|independent\s+(?:journalism|media|news))\b",
    r"donate\s+(?:now|today|to\s+(?:us|our)|here)\b",
    r"become\s+an?\s+(?:member|subscriber|supporter|patron)(?:\s+(?:today|now|of\s+(?:our|us))\b|\s*[.!]?$)",
    r"(?:listen|watch)\s*:",
    r"(?:listen\s+to|watch)\s+(?:this|the|our)\s+(?:\S+\s+)?(?:article|story|podcast|episode|video|interview|broadcast|show|live)\b",
    r"you\s+(?:can|may|might|could)\s+(?:also\s+)?(?:read|follow|watch|listen|subscribe|sign\s+up|download|find\s+(?:us|more|out\s+more)|get\s+(?:the|our)|share|support|contact\s+us)\b",
    r"if\s+you\s+(?:like|liked|enjoy|enjoyed|value|appreciate|found)\s+(?:this|our|what)\b",
    r"(?:have|got)\s+a\s+(?:news\s+)?(?:tip|story)\b",
    r"send\s+us\s+(?:your\s+)?(?:tips|news|stories|feedback|photos)\b",
    r"thank(?:s|\s+you)\s+for\s+(?:reading|watching|listening)\b",
    r"we\s+use\s+cookies\b",
    # the article about itself
    r"this\s+(?:article|story|piece|post|op-?ed|essay|column|blog|commentary|content|feature)\s+"
    r"(?:(?:was|is|has\s+been|had\s+been|were)\s+)?(?:(?:originally|first|also|initially)\s+)?"
    r"(?:published|appeared|posted|republished|reprinted|reproduced|syndicated|produced|written"
    r"|translated|updated|adapted|excerpted|distributed|made\s+possible|supported|funded|part\s+of)\b",
    r"this\s+(?:report|analysis|interview|video)\s+(?:(?:was|is|has\s+been)\s+)?(?:originally|first\s+published"
    r"|first\s+appeared|republished|reprinted|syndicated|translated|updated)\b",
    r"this\s+is\s+an?\s+(?:developing|breaking)\s+(?:story|news)",
    r"(?:a|an\s+earlier|a\s+previous)\s+version\s+of\s+this\s+(?:article|story|piece|post|report)\b",
    r"originally\s+(?:published|appeared|posted)\s+(?:on|in|at|by)\b",
    r"first\s+(?:published|appeared|posted)\s+(?:on|in|at|by)\s+[^,]{1,80}$",
    r"(?:republished|reprinted|reproduced|published|posted)\s+(?:with|by|under)\s+(?:the\s+)?(?:kind\s+)?"
    r"(?:permission|arrangement|agreement|a\s+creative\s+commons)\b",
    r"(?:the\s+)?views\s+(?:and\s+opinions\s+)?expressed\s+(?:in\s+this|here)\b",
    r"editor['’]?s\s+note\s*:",
    r"\((?:additional\s+)?reporting\s+by\b",
    r"(?:additional\s+)?reporting\s+by\s+[^.;]{1,80};\s*(?:additional\s+reporting|editing|writing)\s+by\b",
    r"\((?:writing|editing|edited|compiled|produced|translated)\s+by\b",
    r"copyright\s*(?:©|\(c\)|(?:19|20)\d\d)|©|\(c\)\s*(?:19|20)\d\d|all\s+rights\s+reserved",
    r"this\s+material\s+may\s+not\s+be\s+(?:published|reproduced|redistributed)",
    # labels before a link to another story
    r"(?:related|see\s+also|also\s+see|read\s+also|also\s+read|recommended|read\s+next|up\s+next"
    r"|more\s+(?:stories|news|coverage)|related\s+(?:articles?|stories|news|coverage|content|posts?"
    r"|links?|reading|topics?))\s*(?:[:：»›|\-–—]|$)",
]  # fmt: skip

_STRONG_AR = [
    # read / see also, read more ("اقرأ" is only an imperative; "راجع", "اطلع على" are also
    # past tenses of news verbs, so they are not here)
    r"(?:و)?(?:اقرا|طالع)(?:\s*/\s*ي|ي|وا)?\s*(?:ايضا|كذلك|المزيد|التفاصيل|الخبر|المقال|المقاله"
    r"|القصه|التقرير|النص|هنا|:|-)" + _END,
    r"(?:و)?شاهد(?:\s*/\s*ي|ي|وا)?\s*(?:ايضا|كذلك|المزيد|بالفيديو|:)" + _END,
    r"(?:تابع|اكمل|متابعه|مواصله|واصل)\s+القراءه" + _END,
    r"(?:و)?لقراءه\s+(?:المزيد|التفاصيل|الخبر|المقال|المقاله|التقرير|النص\s+الكامل|القصه)" + _END,
    # for more (details, news …)
    r"(?:و)?لل?مزيد(?:\s*:|\s*$|\s+(?:اضغط|انقر|اقرا|تابع|تابعونا|زوروا|زر|يرجى|الرجاء|يمكنكم|يمكنك"
    r"|راجع|طالع|ادخل|هنا|على\s+الرابط|عبر\s+الرابط)|\s+من\s+(?:التفاصيل|الاخبار|الانباء|المواضيع"
    r"|المقالات|القراءه|الصور|الفيديوهات|التحديثات|المستجدات|التقارير))" + _END,
    # follow us / subscribe / join our channel / contact us (تابع, اشترك, انضموا, شارك are
    # also past tenses: "followed", "took part", "they joined", so they need a promo's object)
    r"(?:و)?تابعونا" + _END,
    rf"(?:و)?تابعنا\s+(?:على|عبر|في)\s+{_PLATFORMS_OR_OURS}",
    rf"(?:و)?(?:تابع|تابعوا|تابعي)\s+(?:(?:اخر|احدث|اهم|ابرز|كل|جميع)\s+(?:\S+\s+){{0,4}}?(?:على|عبر|في|من\s+خلال)\s+(?:\S+\s+)?{_PLATFORMS_OR_OURS}|(?:\S+\s+){{0,5}}?{_OURS_AR})",
    rf"(?:و)?(?:اشترك|اشتركوا|اشتركي)\s+(?:الان|مجانا|(?:في|ب)\s*(?:{_OURS_AR}|(?:ال)?نشره|خدمه\s+الرسائل|قناه\s+(?:\S+\s+){{0,3}}?(?:على|عبر|في)\s+{_PLATFORMS_AR}))",
    rf"(?:و)?(?:انضم|انضموا|انضمي)\s+(?:الى|ل|في)\s*(?:\S+\s*){{0,3}}?(?:{_OURS_AR}|(?:قناه|مجموعه)\s+(?:\S+\s+){{0,3}}?(?:على|عبر|في)\s+{_PLATFORMS_AR})",
    rf"(?:و)?(?:انضم|انضموا|انضمي)\s+الينا\s+(?:على|عبر|في)\s+{_PLATFORMS_AR}",
    r"(?:تواصل|تواصلوا|راسلونا|راسلنا)\s+معنا" + _END,
    r"(?:اضغط|انقر|اضغطوا|انقروا|اضغطي|انقري)\s+(?:هنا\s+(?:ل|و)|على\s+الرابط|الرابط|على\s+الصوره)",
    r"(?:حمل|حملوا|نزل|نزلوا|قم\s+بتحميل|لتحميل)\s+(?:\S+\s+)?تطبيق",
    r"(?:شارك|شاركوا|شاركي)\s*(?:(?:هذا|هذه)\s+(?:المقال|المقاله|الخبر|الموضوع|المنشور|الفيديو)"
    r"|(?:المقال|الخبر|الموضوع)(?!\s+في)|:)",
    r"(?:يمكنكم|يمكنك|بامكانكم|بامكانك|تستطيعون)\s+(?:ايضا\s+)?(?:متابعه|قراءه|مشاهده|الاشتراك|تحميل"
    r"|الاطلاع|الاستماع|التواصل\s+معنا|الانضمام)" + _END,
    # the article about itself
    r"(?:و)?نشر(?:ت)?\s+(?:هذا|هذه)\s+(?:المقال|المقاله|الماده|التقرير|القصه|النص|المدونه|المقابله)\s+"
    r"(?:\S+\s+){0,2}?(?:اولا|لاول\s+مره|في\s+الاصل|اصلا|سابقا|بالتعاون|بالشراكه)",
    r"(?:هذا|هذه)\s+(?:المقال|المقاله|الماده|المدونه)\s+(?:منشور|منشوره|نشر|نشرت|مترجم|مترجمه"
    r"|منقول|منقوله|ماخوذ|ماخوذه|ينشر|تنشر|يعبر|تعبر)" + _END,
    r"(?:المقال|المقاله|الماده)\s+(?:منشور|منشوره|نشر|نشرت)\s+(?:اصلا|اولا|في\s+الاصل|لاول\s+مره)",
    r"(?:المقال|المقالات|الاراء|المقالات\s+المنشوره|الاراء\s+الوارده)\s+(?:\S+\s+){0,3}?(?:يعبر|تعبر)\s+عن\s+"
    r"(?:راي|اراء|وجهه\s+نظر)\s+(?:كاتبه|كاتبها|كتابها|الكاتب|صاحبه|صاحبها|اصحابها)",
    r"(?:جميع|كل)\s+الحقوق\s+محفوظه",
    # labels
    r"(?:مواضيع|اخبار|مقالات|قصص|تقارير|روابط)\s+(?:ذات\s+صله|مرتبطه|متعلقه|مشابهه)" + _END,
    r"ذات\s+صله\s*(?::|$)",
    r"(?:ال)?رابط\s+(?:ال)?مختصر" + _END,
]  # fmt: skip

# Openings that are boilerplate only with a reader marker (READER) in the same sentence.
_WEAK_EN = [
    r"for\s+(?:more|further|additional)\s+(?:news|stories|updates|coverage|information|info|details"
    r"|videos|photos|analysis|articles|on\b|about\b|from\b)",
    r"for\s+(?:the|all\s+the)\s+latest\b|for\s+(?:breaking\s+news|live\s+updates)\b",
    r"to\s+(?:subscribe|follow|read|get|receive|download|join|sign\s+up|stay|keep\s+up|listen|watch|learn\s+more)\b",
    r"(?:stay|keep)\s+(?:up\s+to\s+date|updated|informed|connected|tuned|in\s+touch)\b",
    r"(?:please\s+)?(?:visit|check\s+out|see)\s+(?:our|us)\b",
]  # fmt: skip
_WEAK_AR = [
    r"(?:و)?لمتابعه" + _END,
    r"(?:و)?للاشتراك" + _END,
    r"(?:و)?للانضمام" + _END,
    r"(?:و)?لل?مزيد\s+من\s+المعلومات" + _END,
    r"(?:و)?للاطلاع\s+على" + _END,
]

# A whole sentence that is only a label (link text, an ad slot), nothing else.
_LABEL = (
    r"(?:read\s+more|more|details|full\s+story|full\s+article|share|advertisement|advertising"
    r"|sponsored(?:\s+content)?|ad|promoted|paid\s+content|related|print|email|comments?)"
    + "|"
    + _ar(r"(?:اقرا\s+المزيد|المزيد|للمزيد|التفاصيل|اعلان|شارك|شارك\s+الخبر|طباعه|تعليقات)")
)

# What may precede a cue: bullets, arrows, emoji, an opening bracket; never a quote mark.
_JUNK = (
    r"[\u0640\s\-–—•·▪●◆►▶▷➤➡→←»›|*#>~_=\[(【"
    r"\u2190-\u21ff\u2500-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001faff]*"
)
_ARROW = r"(?:[»›→←>…]+|\.{3}|\s*[)\]])*"
_WEAK_ALL = "|".join([*_WEAK_EN, *(_ar(p) for p in _WEAK_AR)])
# The strong cues are two patterns: the English ones (STRONG), and the Arabic ones
# (STRONG_AR), whose letter-by-letter spellings take about 0.25 s to compile. A sentence
# opens with a strong cue when either matches (a regex alternation matches when one of its
# branches does), and every Arabic cue starts with an Arabic letter, so STRONG_AR is only
# tried, and compiled, for a text that has one (ARABIC_LETTER).
_STRONG = (f"{_JUNK}(?:{'|'.join(_STRONG_EN)})", re.IGNORECASE)
_STRONG_ARABIC = (f"{_JUNK}(?:{'|'.join(_ar(p) for p in _STRONG_AR)})", re.IGNORECASE)
_WEAK = (f"{_JUNK}(?:{_WEAK_ALL})", re.IGNORECASE)
# The cues a sentence may open with: STRONG (or STRONG_AR), WEAK or a label.
_LABEL_CUE = (f"{_JUNK}(?:{_LABEL})", re.IGNORECASE)
ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671]")  # every letter _ar's patterns spell

# The cheap first test, before CUES: the sentence's first word (or, for a word most news
# sentences start with, its first two) must be one a cue starts with. Arabic words are
# compared without marks, with one alef, ي for ى and ه for ة.
OPENERS = frozenset(
    """read also must please continue keep further recommended suggested click tap subscribe
    sign signup follow join connect email e share download get don never support donate
    become listen watch you thank thanks this originally first republished reprinted
    reproduced published posted views editor editors reporting additional writing editing
    edited compiled produced translated copyright c related see more stay visit full
    details advertisement advertising sponsored ad promoted paid print comment comments
    to for
    اقرا واقرا اقراي اقراوا طالع وطالع طالعي طالعوا شاهد وشاهد شاهدي شاهدوا تابع وتابع
    اكمل متابعه مواصله واصل لقراءه ولقراءه
    للمزيد وللمزيد لمزيد ولمزيد تابعونا وتابعونا تابعنا وتابعنا تابعوا وتابعوا تابعي وتابعي
    اشترك اشتركوا اشتركي واشترك واشتركوا واشتركي انضم انضموا انضمي وانضم وانضموا وانضمي
    تواصل تواصلوا راسلونا راسلنا اضغط انقر اضغطوا انقروا اضغطي انقري حمل حملوا نزل نزلوا قم
    لتحميل شارك شاركوا شاركي يمكنكم يمكنك بامكانكم بامكانك تستطيعون نشر نشرت ونشر ونشرت هذا
    هذه المقال المقاله الماده المقالات الاراء جميع كل مواضيع اخبار مقالات قصص تقارير روابط ذات
    رابط الرابط لمتابعه ولمتابعه للاشتراك وللاشتراك للانضمام وللانضمام للاطلاع وللاطلاع
    المزيد التفاصيل اعلان طباعه تعليقات""".split()
)
OPENING_PAIRS = frozenset(
    pair.strip()
    for pair in """the views|a version|an earlier|a previous|all rights|we use|if you|have a|got a|
    do not|up next|like us|find us|friend us|contact us|message us|send us|start reading|
    press here|check out|must read|further reading""".split("|")
)
_WORD_CHARS = r"\w\u0610-\u061a\u064b-\u065f\u0670\u0640"
FIRST_WORDS = re.compile(rf"{_JUNK}([{_WORD_CHARS}]+)(?:[^{_WORD_CHARS}]+([{_WORD_CHARS}]+))?")
FOLD = str.maketrans({**dict.fromkeys(map(chr, range(0x610, 0x61B))), **dict.fromkeys(
    map(chr, [*range(0x64B, 0x660), 0x670, 0x640])), "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ة": "ه"})  # fmt: skip
_ONLY_LABEL = (_JUNK + "(?:" + _LABEL + r")\s*[:.!]?\s*" + _ARROW + r"\s*", re.IGNORECASE)
# Someone is quoted: a sentence that reports speech is news, even an imperative one.
_QUOTED = (
    r"[,،]\s*[\"”»]|[\"”»]\s*[,،]?\s*(?:\S+\s+){0,4}?(?:said|says|added|wrote|told|stated|warned)\b"
    + _ar(
        r"|[\"”»]\s*[,،]?\s*(?:\S+\s+){0,4}?(?:قال|قالت|اضاف|اضافت|وقال|وقالت|واضاف|واضافت)" + _END
    ),
    re.IGNORECASE,
)

# ------------------------------------------------------------------- the end of a line

# The WordPress feed footer, in English and in WordPress's Arabic.
_FOOTER = (
    r"(?:(?<=\s)|^)(?:(?-i:The post)\s.+?\s(?:appeared\s+first|first\s+appeared)\s+on\s.+"
    + _ar(r"|ظهرت\s+(?:المقاله|التدوينه|المشاركه)\s.+?\s(?:اولا|لاول\s+مره)\s+(?:على|في)\s.+")
    + r")$",
    re.IGNORECASE,
)
# The cheap test for it: its fixed words as the software writes them (case-sensitive, so
# each is looked for with str.find, faster than any regex).
FOOTER_WORDS = ("ppeared", "PPEARED", "ظهرت")
# A link label closing a line: "… Read more »", "… المزيد".
_TAIL_LABEL = (
    r"(?:(?<=\s)|^)(?:(?P<multi>read\s+more|continue\s+reading|keep\s+reading|read\s+the\s+full\s+"
    r"(?:story|article|report)|read\s+full\s+(?:story|article)|full\s+story"
    + _ar(r"|اقرا\s+المزيد|تابع\s+القراءه|اكمل\s+القراءه|متابعه\s+القراءه|اقرا\s+التفاصيل")
    + r")|(?P<single>more|details"
    + _ar(r"|المزيد|للمزيد|التفاصيل")
    + r"))\s*(?P<arrow>(?:[»›→←]|>>)+)?\s*(?P<dots>…|\.{2,})?\s*$",
    re.IGNORECASE,
)


# ------------------------------------------------------------- compiled when first used

# A `digest collect` process that never meets a sentence needing a pattern never pays for
# compiling it (the parent process, which parses nothing, and an all-English collect, which
# never needs STRONG_AR). Module-level __getattr__ (PEP 562) runs only for a name not yet
# in the module; the compiled pattern is then stored under that name.
_LAZY = {
    "READER": _READER,
    "READER_AR": _READER_ARABIC,
    "STRONG": _STRONG,
    "STRONG_AR": _STRONG_ARABIC,
    "WEAK": _WEAK,
    "LABEL": _LABEL_CUE,
    "ONLY_LABEL": _ONLY_LABEL,
    "QUOTED": _QUOTED,
    "FOOTER": _FOOTER,
    "TAIL_LABEL": _TAIL_LABEL,
}


def __getattr__(name: str) -> re.Pattern[str]:
    try:
        pattern, flags = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    compiled = globals()[name] = re.compile(pattern, flags)
    return compiled
