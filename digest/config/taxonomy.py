"""The default taxonomy of a regional monitor: four sections and the words that mark them.

Keywords are whole words or phrases (case-insensitive) in English, or Arabic words, which
also match with attached prefixes. A keyword ending in `*` is a stem ("protest*": protests,
protesters); a phrase counts double; a keyword ending in `!` is a marker that settles the
section even among another section's words, one ending in `!!` a marker that outranks the
other markers (issues/classify.py has the weights, and how the headline and the lead count
more than the rest). Stems are written so that they catch no other word ("import*" would
catch "important", so the forms of "import" are listed). Projects override this with
DIGEST_SECTIONS.

Editors sort a story by what it is about, not by the words it shares with other stories
(EDITORIAL.md, "Which section a story belongs to"); the markers carry those conventions:
- the attack, the operation, the arrest is security, even on an aid convoy or an oil field
  ("gunmen!", "car bomb!"); the reactions to it are politics: a condemnation, a call
  between leaders, a minister summoned ("condemn*!!", "phone call!!", "summon*!!"), however
  much of the attack the report retells, and even when it names a car bomb;
- what armed conflict does to civilians is humanitarian: returns blocked by unexploded
  ordnance, torture of detainees, missing persons and mass graves ("unexploded!",
  "tortur*!", "mass grave*!"), beside the plain words of displacement, camps, schools and
  clinics;
- money and resources are economy even when a minister, a court or the cabinet acts: a
  budget, corruption and embezzlement of public money are markers ("budget*!",
  "corruption!", "embezzl*!"); words for who acts (a minister, a company, a visit) are no
  economy or humanitarian keywords, so only what the story is about counts there;
- a protest or strike is politics whatever its grievance ("protest!", "on strike!"); the
  toll of a fire, flood, epidemic or accident is humanitarian ("flood*!", "blaze*!").
"""

from __future__ import annotations

from typing import Any

# fmt: off
DEFAULT_SECTIONS: tuple[dict[str, Any], ...] = (
    {
        "key": "politics",
        "title": "Politics",
        "description": "Government, parliament, elections, parties and foreign relations.",
        "keywords": [
            "parliament*", "prime minister", "president*", "election*", "electoral", "vote",
            "votes", "voted", "voting", "voter*", "ballot*", "candidate*", "referendum",
            "governor", "governors", "provincial council", "council*", "mayor*", "cabinet",
            "minister*", "foreign minist*", "government", "coalition", "party", "parties",
            "political", "politician*", "opposition", "federal court", "constitution*",
            "diplomat*", "diplomacy", "ambassador*", "envoy*", "counterpart*", "bilateral",
            "sovereignty", "talks", "negotiat*", "summit", "delegation*", "sanctions",
            "speaker", "legislat*", "lawmaker*", "mps", "quorum", "plenary", "session",
            "emergency session", "bloc", "blocs", "alliance*", "boycott*", "resign*", "bill",
            "law", "laws", "amnesty", "committee", "parliamentary committee",
            "embassy", "embassies", "consulate*", "charge d'affaires", "chargé d'affaires",
            "foreign ministry", "foreign affairs", "security council",
            "special representative", "solidarity", "restraint", "de-escalat*",
            "accusation*", "accountab*", "to account",
            # Reactions to an attack are politics, however much of the attack they retell.
            "condemn*!!", "denounc*!!", "deplor*!!", "phone call!!", "telephone call!!",
            "phone conversation!!", "by phone!!", "telephoned!!", "summon*!!",
            # Protests, sit-ins and strikes are politics whatever the grievance.
            "protest!", "protests!", "protested!", "protesting!", "protester*!",
            "protestor*!", "rally!", "rallies!", "rallied!", "demonstrated!",
            "demonstration*!", "demonstrator*!", "sit-in*!", "on strike!", "general strike!",
            "برلمان*", "مجلس النواب", "نواب", "نائب", "نيابي*", "انتخاب*", "ناخب*", "مرشح*",
            "محافظ", "مجلس محافظة", "حكوم*", "رئيس الوزراء", "مجلس الوزراء", "وزير*",
            "رئيس الجمهورية", "رئاسة", "قانون", "تصويت", "جلسة", "كتلة", "كتل", "نظير*",
            "سفير*", "سفارة", "دبلوماسي*", "مفاوض*", "مباحثات", "خارجية", "مجلس الأمن",
            "سياسي*", "حزب", "أحزاب", "تحالف", "زيارة", "سيادة", "تضامن*", "تهدئة", "تصعيد",
            "ضبط النفس", "محاسبة", "إدانة", "إدانات",
            "دان!!", "دانت!!", "أدان!!", "أدانت!!", "يدين!!", "تدين!!", "استنكر*!!",
            "استنكار!!", "شجب*!!", "ندد*!!", "يندد!!", "تندد!!", "تنديد!!", "هاتفي*!!",
            "مكالمة!!", "استدعاء!!", "استدعى!!", "استدعت!!",
            "تظاهر*!", "متظاهر*!", "احتجاج*!", "محتجون!", "محتجين!", "اعتصام*!", "إضراب*!",
        ],
    },
    {
        "key": "security",
        "title": "Security",
        "description": "Attacks, military operations, arrests and armed groups.",
        "keywords": [
            "attack*", "kill", "kills", "killed", "killing*", "wounded", "wounding",
            "wounds", "injured", "injures", "injuring", "casualties", "bomb*", "ied", "ieds",
            "explosion*", "explosive*", "blast*", "detonat*", "rocket*", "missile*", "drone*",
            "mortar*", "grenade*", "artillery", "warplane*", "jets", "gunfire", "gunfight*",
            "shooting", "sniper*", "exchange of fire", "militant*", "isis", "al-qaeda",
            "al-shabaab", "insurgent*", "insurgency", "terroris*", "airstrike*",
            "air strike*", "clash", "clashes", "clashed", "fighting", "fighters",
            "ambush*", "security forces", "security source*", "army", "troops",
            "counter-terrorism", "military operation*", "security operation*", "arrest*",
            "detained", "suspect*", "wanted", "raid", "raids", "checkpoint*", "patrol*",
            "soldier*", "militia*", "police", "policeman", "policemen", "intelligence",
            "hideout*", "curfew", "kidnap*", "abduct*", "murder*", "smuggl*", "weapon*",
            "cache", "ammunition",
            # An armed attack is security, whatever it hit (an aid convoy, an oil field).
            "gunmen!", "gunman!", "opened fire!", "shot dead!", "assassinat*!", "shelled!",
            "shelling!", "roadside bomb!", "car bomb!", "sticky bomb!", "suicide bomb*!",
            "drone strike*!",
            "هجوم*", "هجمات", "عبوة*", "ناسفة", "انفجار*", "تفجير*", "قصف*", "مقتل*", "قتل*",
            "جرحى", "جريح*", "جروح", "إصاب*", "أصيب*", "طائرة مسيرة", "طائرات مسيرة",
            "صاروخ*", "صواريخ", "قذائف", "قذيفة", "هاون", "قنبلة", "قنابل", "داعش", "إرهاب*",
            "مسلح*", "اشتباك*", "أمني*", "جيش", "شرطة", "دورية", "نقطة تفتيش", "القبض",
            "اعتقال*", "اعتقل*", "مطلوب*", "خطف*", "اختطاف", "استهداف", "عسكري*", "قوات",
            "إطلاق نار", "تهريب", "مهرب*", "أسلحة", "أعتدة", "مخدرات",
            "اغتيال!", "اغتال*!", "ضربة جوية!", "غارة*!",
        ],
    },
    {
        "key": "humanitarian",
        "title": "Humanitarian",
        "description": "Displacement, health, food, water, camps and aid.",
        "keywords": [
            "displaced", "displacement", "internally displaced", "idp", "idps", "camp",
            "camps", "refugee*", "repatriat*", "returnee*", "return home", "returned home",
            "return to their", "areas of origin", "flee", "fleeing", "forced to flee",
            "fled their homes", "migrants", "asylum", "families",
            "humanitarian", "aid", "relief", "assistance", "unicef",
            "world health organization", "unhcr", "icrc", "red cross", "red crescent",
            "world food programme", "world food program", "wfp", "food insecurity",
            "outbreak*", "disease*", "vaccin*", "hospital*", "clinic*", "health", "medical",
            "medicine*", "patients", "doctors", "nurses", "cancer", "pharmac*", "fever",
            "infection*", "drought*", "dust storm*", "sandstorm*", "storm", "storms",
            "rain", "rains", "rainfall", "heavy rain*", "torrential", "snowstorm*",
            "lightning", "heatwave*", "heat wave", "heatstroke", "heat stroke", "fire",
            "fires", "flammable", "traffic accident*", "road accident*",
            "building collapse*", "water shortage*", "tap water", "clean water",
            "water trucking", "sanitation", "food", "food parcel*", "malnutrition",
            "malnourish*", "hunger", "famine", "shelter*", "tent", "tents", "rescue*",
            "school", "schools", "pupils", "classroom*", "education", "orphan*", "widow*",
            "survivor*", "psychosocial", "psychological support", "human rights",
            "rights group*", "detainees", "abuse*", "missing", "landmine*", "booby trap*",
            "contaminat*",
            # Deaths in a disaster, accident or epidemic are humanitarian, not security; so
            # are drinking water and clearing explosives so that families can return.
            "cholera!", "measles!", "epidemic*!", "pandemic*!", "flood*!", "drown*!",
            "earthquake*!", "landslide*!", "fire broke out!", "caught fire!", "blaze*!",
            "wildfire*!", "firefighter*!", "short circuit!", "civil defence!",
            "civil defense!", "poisoning*!", "drinking water!", "mine clearance!",
            "mine action!", "demin*!", "risk education!",
            # What conflict does to civilians: explosives left behind, abuse of captives,
            # the missing.
            "unexploded!", "ordnance!", "explosive remnants!", "remnants of war!",
            "war remnants!", "uxo!", "captivity!", "captive*!", "unable to return!",
            "tortur*!", "ill-treatment!", "mistreat*!", "died in custody!", "missing persons!",
            "mass grave*!", "exhum*!", "forcibly disappeared!", "enforced disappearance*!",
            "forced disappearance*!",
            "نازح*", "نزوح", "مهجر*", "مخيم*", "لاجئ*", "مساعدات", "إغاث*", "إنساني*",
            "عائلات", "عوائل", "لقاح*", "تلقيح*", "مستشف*", "صحة", "صحي", "صحية", "أدوية",
            "دواء", "مرضى", "أطباء", "السرطان", "جفاف", "شح المياه", "غذاء", "غذائي*",
            "خيمة", "خيام", "اختناق", "أمطار", "موجة حر", "حادث سير", "مدرسة", "مدارس",
            "تلاميذ", "أيتام", "حقوق الإنسان", "انتهاكات", "معتقل*", "مفقود*", "رفات",
            "ألغام", "لغم", "اليونيسف", "الصليب الأحمر", "منظمة الصحة العالمية",
            "برنامج الأغذية العالمي",
            "كوليرا!", "حصبة!", "وباء!", "فيضان*!", "سيول!", "غرق*!", "زلزال!", "حريق!",
            "حرائق!", "الدفاع المدني!", "تسمم!", "عاصفة ترابية!", "مياه الشرب!",
            "إزالة الألغام!", "مخلفات الحرب!", "مخلفات حربية!", "غير المنفجر*!",
            "غير منفجر*!", "تعذيب!", "المغيبين!", "مغيب*!", "المفقودين!", "مقابر جماعية!",
            "مقبرة جماعية!",
        ],
    },
    {
        "key": "economy",
        "title": "Economy",
        "description": "Oil, budget, currency, trade, energy, farming and jobs.",
        "keywords": [
            "oil", "crude", "refiner*", "fuel", "diesel", "gasoline", "petrol*", "gas",
            "oilfield*", "pipeline*", "barrel*", "opec",
            "production", "output", "electricity", "power", "power station*",
            "power plant*", "power cut*", "power outage*", "outage*", "blackout*", "grid",
            "transmission line*", "generator*", "megawatt*", "energy", "solar", "dinar*",
            "dollar*", "currency", "reserves", "exchange rate*", "parallel market",
            "auction*", "central bank", "bank", "banks", "world bank", "imf", "loan*",
            "inflation", "price*", "economy", "economic*", "financ*", "fiscal", "gdp",
            "money", "funds", "funding", "allocat*", "spending", "revenue*", "tax", "taxes",
            "taxation", "taxpayer*", "customs", "tariff*", "goods", "deficit", "debt*",
            "arrears", "billion", "trillion", "salary", "salaries", "wage*", "payroll*",
            "pension*", "public sector", "export*", "import", "imports", "imported",
            "importing", "importer*", "trade", "trader*", "investment*", "investor*",
            "contract", "contracts", "licensing round*", "unemploy*", "jobs", "industr*",
            "factory", "factories", "infrastructure", "construction", "housing",
            "transport", "railway*", "port", "ports", "tourism", "passenger*", "wheat",
            "rice", "crop*", "harvest*", "farmer*", "agricultur*", "cultivat*", "irrigation",
            "water resources", "water quota*", "water release*", "water share*", "dam",
            "dams", "silo*", "livestock", "subsid*", "finance minist*", "ministry of finance",
            # A budget is economy even when it funds security or is debated in parliament;
            # corruption over public money is economy even when a court or a commission acts.
            "budget*!", "corruption!", "integrity commission!", "commission of integrity!",
            "bribe*!", "bribery!", "embezzl*!", "public funds!", "public money!",
            "misappropriat*!", "money laundering!", "illicit enrichment!", "kickback*!",
            "نفط*", "دينار", "دولار*", "مليار*", "تريليون", "البنك المركزي", "سعر الصرف",
            "احتياطي*", "عملة", "عملات", "أسعار", "سعر", "تضخم", "بطالة", "إيرادات", "ضريب*",
            "جمارك", "كمارك", "تعرفة", "كهرباء", "كهربائي*", "ميغاواط", "طاقة", "إمدادات",
            "غاز", "حقل", "حقول", "برميل", "براميل", "صادرات", "تصدير", "استيراد*", "واردات",
            "تجارة", "تجاري*", "استثمار*", "اقتصاد*", "عقود", "أموال",
            "مالية", "تمويل", "قرض*", "ديون", "رواتب", "راتب", "مرتبات", "وزارة المالية",
            "مستحقات", "فلاح*", "مزارع*", "حنطة", "قمح", "محصول", "محاصيل", "زراع*",
            "إطلاقات", "سدود", "البورصة",
            "موازنة!", "ميزانية!", "فساد!", "نزاهة!", "رشو*!", "اختلاس*!", "المال العام!",
            "أموال عامة!", "غسيل الأموال!", "غسل الأموال!",
        ],
    },
)
# fmt: on
