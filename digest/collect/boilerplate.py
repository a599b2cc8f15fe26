"""Outlet boilerplate out of an item's text and HTML: promo lines never reach a paragraph.

What counts as boilerplate is a line the *outlet* addresses to its reader, not news:
- a call to action, in the imperative or to "you": "Read more", "Read our explainer on …",
  "Subscribe to our newsletter", "Follow us on Telegram", "Sign up for …", "Click here to …",
  "Download our app", "Share this article", "You can also follow …"; in Arabic "اقرأ أيضا",
  "اقرأ المزيد", "تابعونا على", "للمزيد من التفاصيل", "اشترك في قناتنا",
  "انضموا إلى قناتنا على تلغرام", "اضغط هنا لـ…" … (a bare "click here" is kept: some feeds
  give it as a summary's only text, the item's one link to the story);
- a note about the article itself: "This article was originally published on …", "The post
  X appeared first on Y" (WordPress), "A version of this story …", "(Reporting by …;
  Editing by …)", "All rights reserved", "نشر هذا المقال أولاً في …", "ظهرت المقالة X أولاً
  على Y";
- a label: "Related:", "Advertisement", "مواضيع ذات صلة", "رابط مختصر", and a link-only
  "Read more »" / "المزيد" at the end of a line; "[…]" (a cut excerpt) becomes "…".

Precision first. A news sentence is never imperative and rarely speaks to "you", so a cue
counts only at the *start* of a sentence ("Lawmakers followed the session" and "The ministry
urged residents to subscribe to the alert service" stay), and the verbs that are also past
tenses in Arabic (تابع "followed", اشترك "took part", انضموا "they joined", شارك "took part")
count only with the objects a promo has: our channel/page/app, a social platform. A cue
that needs context ("For more …", "لمتابعة آخر الأخبار …") counts only with a reader marker
(us/our, click, a platform). A sentence that quotes someone ("…," the group said) is never
boilerplate, and neither is a long one.

Only whole lines (blocks) go, or sentences at either edge of a line: a promo sits before or
after the story, not inside a sentence of it. Arabic is matched with or without diacritics
and tatweel, with any alef (ا أ إ آ), ى for ي and ة for ه.

Work is bounded: only WINDOW characters at each edge of a line are looked at, so a 5 MB
single-line description costs no more than a short one.
"""

from __future__ import annotations

import re
from html import escape, unescape

WINDOW = 600  # characters at each edge of a line that can hold boilerplate
MAX_SENTENCE = 400  # a longer sentence is news, whatever it starts with

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
# Words that make a sentence speak to the reader: the weak cues need one of them.
_READER = re.compile(
    rf"(?-i:\bus\b)|\b(?:our|click|tap|subscribe|newsletter|inbox)\b"
    rf"|\b(?:on|via|at)\s+{_PLATFORMS_EN}\b|t\.me/|@\w|"
    + _ar(
        rf"{_PLATFORMS_OR_OURS}"
        r"|(?<!\w)(?:اضغط|انقر|اشترك|اشتركوا|انضم|انضموا|تابعونا|زوروا|الرابط)" + _END
    ),
    re.IGNORECASE,
)

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

# Openings that are boilerplate only with a reader marker (_READER) in the same sentence.
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
_STRONG_ALL = "|".join([*_STRONG_EN, *(_ar(p) for p in _STRONG_AR)])
_WEAK_ALL = "|".join([*_WEAK_EN, *(_ar(p) for p in _WEAK_AR)])
_STRONG = re.compile(f"{_JUNK}(?:{_STRONG_ALL})", re.IGNORECASE)
_WEAK = re.compile(f"{_JUNK}(?:{_WEAK_ALL})", re.IGNORECASE)
_CUE = re.compile(f"{_JUNK}(?:{_STRONG_ALL}|{_WEAK_ALL}|{_LABEL})", re.IGNORECASE)

# The cheap first test, before _CUE: the sentence's first word (or, for a word most news
# sentences start with, its first two) must be one a cue starts with. Arabic words are
# compared without marks, with one alef, ي for ى and ه for ة.
_OPENERS = frozenset(
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
_OPENING_PAIRS = frozenset(
    pair.strip()
    for pair in """the views|a version|an earlier|a previous|all rights|we use|if you|have a|got a|
    do not|up next|like us|find us|friend us|contact us|message us|send us|start reading|
    press here|check out|must read|further reading""".split("|")
)
_WORD_CHARS = r"\w\u0610-\u061a\u064b-\u065f\u0670\u0640"
_FIRST_WORDS = re.compile(rf"{_JUNK}([{_WORD_CHARS}]+)(?:[^{_WORD_CHARS}]+([{_WORD_CHARS}]+))?")
_FOLD = str.maketrans({**dict.fromkeys(map(chr, range(0x610, 0x61B))), **dict.fromkeys(
    map(chr, [*range(0x64B, 0x660), 0x670, 0x640])), "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ة": "ه"})  # fmt: skip
_ONLY_LABEL = re.compile(_JUNK + "(?:" + _LABEL + r")\s*[:.!]?\s*" + _ARROW + r"\s*", re.IGNORECASE)
# Someone is quoted: a sentence that reports speech is news, even an imperative one.
_QUOTED = re.compile(
    r"[,،]\s*[\"”»]|[\"”»]\s*[,،]?\s*(?:\S+\s+){0,4}?(?:said|says|added|wrote|told|stated|warned)\b"
    + _ar(
        r"|[\"”»]\s*[,،]?\s*(?:\S+\s+){0,4}?(?:قال|قالت|اضاف|اضافت|وقال|وقالت|واضاف|واضافت)" + _END
    ),
    re.IGNORECASE,
)

# ------------------------------------------------------------------- the end of a line

# A sentence ends at . ! ? ؟ … (and the quote or bracket closing it), then a space.
_BOUNDARY = re.compile(r"[.!?؟…]+[\"'”’»)\]]*(\s+)")
# The same, read backwards: whitespace, closers, then the punctuation.
_BOUNDARY_REVERSED = re.compile(r"\s+[\"'”’»)\]]*[.!?؟…]")
# "[…]" that a feed puts where it cut the excerpt.
_TRUNCATED = re.compile(r"\s*(?:\[\s*(?:…|\.{2,})\s*\]|\(\s*(?:…|\.{2,})\s*\))\s*$")
# The WordPress feed footer, in English and in WordPress's Arabic.
_FOOTER = re.compile(
    r"(?:(?<=\s)|^)(?:(?-i:The post)\s.+?\s(?:appeared\s+first|first\s+appeared)\s+on\s.+"
    + _ar(r"|ظهرت\s+(?:المقاله|التدوينه|المشاركه)\s.+?\s(?:اولا|لاول\s+مره)\s+(?:على|في)\s.+")
    + r")$",
    re.IGNORECASE,
)
# The cheap test for it: its fixed words as the software writes them (case-sensitive, so
# the regex engine can skip ahead by first character).
_FOOTER_HINT = re.compile("ppeared|PPEARED|ظهرت")
# A link label closing a line: "… Read more »", "… المزيد".
_TAIL_LABEL = re.compile(
    r"(?:(?<=\s)|^)(?:(?P<multi>read\s+more|continue\s+reading|keep\s+reading|read\s+the\s+full\s+"
    r"(?:story|article|report)|read\s+full\s+(?:story|article)|full\s+story"
    + _ar(r"|اقرا\s+المزيد|تابع\s+القراءه|اكمل\s+القراءه|متابعه\s+القراءه|اقرا\s+التفاصيل")
    + r")|(?P<single>more|details"
    + _ar(r"|المزيد|للمزيد|التفاصيل")
    + r"))\s*(?P<arrow>(?:[»›→←]|>>)+)?\s*(?P<dots>…|\.{2,})?\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?؟…][\"'”’»)\]]*\s*$")


def is_boilerplate(sentence: str) -> bool:
    """Whether one sentence is an outlet's promo, credit or label rather than news."""
    sentence = sentence.strip()
    if not sentence or len(sentence) > MAX_SENTENCE or not _opens_with_cue(sentence):
        return False
    if _ONLY_LABEL.fullmatch(sentence):
        return True
    if _QUOTED.search(sentence):
        return False
    if _STRONG.match(sentence):
        return True
    return bool(_WEAK.match(sentence) and _READER.search(sentence))


def _opens_with_cue(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text[start:end] opens with a cue: its first words first, then _CUE."""
    end = len(text) if end is None else end
    words = _FIRST_WORDS.match(text, start, end)
    if words is None:  # no word at all: "©", "»", an emoji
        return bool(_CUE.match(text, start, end))
    first = words.group(1).lower()
    if not first.isascii():
        first = first.translate(_FOLD)
    if first not in _OPENERS and f"{first} {(words.group(2) or '').lower()}" not in _OPENING_PAIRS:
        return False
    return bool(_CUE.match(text, start, end))


def strip_text(text: str) -> str:
    """Plain text (one line per block) without boilerplate lines and edge sentences."""
    lines = []
    for line in text.split("\n"):
        start, end, ellipsis = kept_span(line)
        kept = line[start:end].strip()
        if kept:
            lines.append(kept + ("…" if ellipsis else ""))
    return "\n".join(lines)


def kept_span(line: str) -> tuple[int, int, bool]:
    """What of one line is news: line[start:end], plus whether "…" should close it (the
    excerpt was cut where the feed put "[…]"). start >= end: the whole line goes."""
    start, end, ellipsis = 0, len(line), False
    while (cut := _trailing_cut(line, start, _rstrip(line, start, end))) is not None:
        end, truncated = cut
        ellipsis = ellipsis or truncated
    end = _rstrip(line, start, end)
    # Leading sentences: only when the line opens with a cue (the cheap test) is the first
    # sentence looked for.
    while start < end and _opens_with_cue(line, start, end):
        high = min(end, start + WINDOW)
        boundary = _BOUNDARY.search(line, start, high)
        stop = boundary.start(1) if boundary else end
        if (boundary is None and high < end) or not is_boilerplate(line[start:stop]):
            break
        start = boundary.end() if boundary else end
    if start >= end:
        return start, start, False
    ellipsis = ellipsis and not _SENTENCE_END.search(line, start, end)
    return start, end, ellipsis


def _trailing_cut(line: str, start: int, end: int) -> tuple[int, bool] | None:
    """Where line[start:end] ends once its last piece of boilerplate is cut, and whether
    that piece was a "[…]"; None when it ends with news. The end-anchored patterns only run
    when the last characters could end them: most lines end with a full stop and skip them."""
    if end <= start:
        return None
    last = line[end - 1]
    if last in "])" and (cut := _TRUNCATED.search(line, max(start, end - 20), end)):
        return cut.start(), True
    low = max(start, end - WINDOW)
    footer = _FOOTER_HINT.search(line, low, end) and _FOOTER.search(line, low, end)
    if footer and _at_sentence_start(line, start, footer.start()):
        return footer.start(), False
    # A label ends in a letter, an arrow or "...": a line ending in one full stop has none.
    label = (last != "." or line[end - 2 : end] == "..") and _TAIL_LABEL.search(
        line, max(start, end - 60), end
    )
    if label and _closes_line(label, line, start):
        return label.start(), False
    begins = _last_sentence(line, start, end, low)
    if begins is not None and is_boilerplate(line[begins:end]):
        return begins, False
    return None


def _rstrip(line: str, start: int, end: int) -> int:
    while end > start and line[end - 1].isspace():
        end -= 1
    return end


def _last_sentence(line: str, start: int, end: int, low: int) -> int | None:
    """Where the last sentence of line[start:end] begins; None when it starts before `low`
    (longer than the window, so not boilerplate). Searched backwards, on the reversed
    window: the last boundary is near the end, the first one may be far."""
    if found := _BOUNDARY_REVERSED.search(line[low:end][::-1]):
        return end - found.start()
    return start if low == start else None


def _at_sentence_start(line: str, start: int, position: int) -> bool:
    before = line[start:position].rstrip()
    return not before or before[-1] in ".!?؟…\"'”’»)]"


def _closes_line(label: re.Match[str], line: str, start: int) -> bool:
    """A link label at the end of a line is boilerplate when it starts a sentence or carries
    an arrow; a multi-word one also when it trails off ("Read more…") or is capitalized
    ("… Read more"). "… and more" and "… and more…" are news."""
    if _at_sentence_start(line, start, label.start()) or label.group("arrow"):
        return True
    multi = label.group("multi")
    return bool(multi) and (bool(label.group("dots")) or not multi.isascii() or multi[0].isupper())


# -------------------------------------------------------------------------------------- HTML

_BLOCK_TAG = re.compile(
    r"<(/?)(p|div|br|hr|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|caption|thead|tbody|tfoot"
    r"|figure|figcaption|h[1-6])\b[^>]*>",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_CHARACTER = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);?|[^&]|&", re.IGNORECASE)
_CELL = re.compile(r"</?t[dh]\b", re.IGNORECASE)
_EMPTY_INLINE = re.compile(
    r"<(a|span|strong|em|b|i|u|s|del|ins|mark|small|code|abbr|q|cite|sub|sup|time|kbd|samp)"
    r"\b[^>]*>\s*</\1>",
    re.IGNORECASE,
)
_EMPTY_BLOCK = re.compile(
    r"<(p|div|li|dd|dt|blockquote|figcaption|h[3-6]|ul|ol|dl|figure)\b[^>]*>\s*</\1>",
    re.IGNORECASE,
)


def strip_html(html: str) -> str:
    """Sanitized HTML (clean_html's output) without boilerplate: a block whose text is all
    boilerplate goes, and edge sentences are cut from the text of the others. Tags are kept
    around what is cut, then empty elements removed, so the markup stays balanced."""
    boundaries = list(_BLOCK_TAG.finditer(html))
    edges = [0, *(b for m in boundaries for b in (m.start(), m.end())), len(html)]
    out: list[str] = []
    changed = False
    drop_next_break = False
    for index in range(0, len(edges), 2):
        lo, hi = edges[index], edges[index + 1]
        segment = _strip_segment(html[lo:hi])
        if segment is None:  # nothing of this segment is boilerplate
            out.append(html[lo:hi])
        else:
            changed = True
            whole, kept = segment
            out.append(kept)
            if whole:  # a dropped line takes its <br> with it, before or after
                if out and len(out) >= 2 and _is_break(out[-2]):
                    out[-2] = ""
                else:
                    drop_next_break = True
        if index // 2 < len(boundaries):
            tag = boundaries[index // 2].group(0)
            if drop_next_break and _is_break(tag):
                tag = ""
            drop_next_break = False
            out.append(tag)
    if not changed:
        return html
    return _remove_empty("".join(out))


def _is_break(tag: str) -> bool:
    return tag[:3].lower() == "<br"


def _strip_segment(segment: str) -> tuple[bool, str] | None:
    """The inline HTML between two block tags without its boilerplate text: (whether all its
    text went, what is left), or None when nothing goes."""
    if not segment.strip():
        return None
    # The cheap test first, on the segment's text read whole; only a segment that loses
    # something is read again character by character, to know where each one sits.
    if _unchanged(_segment_text(segment)):
        return None
    pieces: list[tuple[str, str]] = []  # (html, text) per character or tag
    for token in _TOKEN.findall(segment):
        if token.startswith("<"):
            pieces.append((token, " " if _CELL.match(token) else ""))
        else:
            pieces.extend((c, unescape(c).replace("\n", " ")) for c in _CHARACTER.findall(token))
    text = "".join(t for _, t in pieces)
    start, end, ellipsis = kept_span(text)
    out: list[str] = []
    position = 0
    for markup, piece in pieces:
        keep = markup.startswith("<") or start <= position < end
        if keep:
            out.append(markup)
        position += len(piece)
        if ellipsis and position == end:
            out.append(escape("…", quote=False))
    return start >= end, "".join(out)


def _segment_text(segment: str) -> str:
    return "".join(
        (" " if _CELL.match(token) else "")
        if token.startswith("<")
        else unescape(token).replace("\n", " ")
        for token in _TOKEN.findall(segment)
    )


def _unchanged(text: str) -> bool:
    start, end, ellipsis = kept_span(text)
    return start == 0 and end >= len(text.rstrip()) and not ellipsis


def _remove_empty(html: str) -> str:
    for pattern in (_EMPTY_INLINE, _EMPTY_BLOCK):
        while True:
            html, count = pattern.subn("", html)
            if not count:
                break
    return html.strip()
