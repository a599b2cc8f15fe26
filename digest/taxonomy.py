"""The default taxonomy of a regional monitor: four sections and the words that mark them.

Keywords are whole words or phrases (case-insensitive) in English, or Arabic words, which
also match with attached prefixes. A keyword ending in `*` is a stem ("protest*": protests,
protesters); a phrase counts double; a keyword ending in `!` is a marker that settles the
section even among another section's words (issues/classify.py has the weights). The markers
carry the editor's conventions: a protest is politics whatever its grievance, a budget is
economy even when it funds the army, deaths in a fire, flood or poisoning are humanitarian,
an armed attack is security even on an aid convoy. Stems are written so that they catch no
other word ("import*" would catch "important", so the forms of "import" are listed).
Projects override this with DIGEST_SECTIONS.
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
            "political", "opposition", "federal court", "constitution*", "diplomat*",
            "diplomacy", "ambassador*", "envoy*", "counterpart*", "bilateral", "sovereignty",
            "talks", "negotiat*", "summit", "delegation*", "sanctions", "speaker",
            "legislat*", "lawmaker*", "mps", "quorum", "plenary", "bloc", "blocs",
            "boycott*", "resign*", "summon*", "bill", "law", "laws", "amnesty", "rally",
            "rallies", "rallied", "demonstrated",
            # Protests and sit-ins are politics whatever the grievance; corruption cases too.
            "protest!", "protests!", "protested!", "protesting!", "protester*!",
            "protestor*!", "demonstration*!", "demonstrator*!", "sit-in*!", "corruption!",
            "integrity commission!", "bribe*!", "embezzl*!",
            "برلمان*", "مجلس النواب", "نواب", "نائب", "نيابي*", "انتخاب*", "ناخب*", "مرشح*",
            "محافظ", "مجلس محافظة", "حكوم*", "رئيس الوزراء", "مجلس الوزراء", "وزير*",
            "رئيس الجمهورية", "رئاسة", "قانون", "تصويت", "جلسة", "كتلة", "كتل", "نظير*",
            "سفير*", "دبلوماسي*", "مفاوض*", "مباحثات",
            "تظاهر*!", "متظاهر*!", "احتجاج*!", "محتجون!", "محتجين!", "اعتصام*!", "فساد!",
            "رشو*!",
        ],
    },
    {
        "key": "security",
        "title": "Security",
        "description": "Attacks, military operations, arrests and armed groups.",
        "keywords": [
            "attack*", "killed", "killing*", "wounded", "wounding", "injured", "casualties",
            "bomb*", "ied", "ieds", "explosion*", "explosive*", "blast*", "rocket*", "drone*",
            "mortar*", "grenade*", "artillery", "warplane*", "gunfire", "gunfight*",
            "militant*", "isis", "insurgent*", "insurgency", "terroris*", "airstrike*",
            "air strike*", "clash", "clashes", "clashed", "ambush*", "security forces",
            "army", "troops", "counter-terrorism", "military operation*", "arrest*",
            "detained", "raid", "raids", "checkpoint*", "patrol*", "soldier*", "militia*",
            "police", "policeman", "policemen", "smuggl*", "weapon*", "cache", "ammunition",
            # An armed attack is security, whatever it hit (an aid convoy, an oil field).
            "gunmen!", "gunman!", "opened fire!", "shot dead!", "assassinat*!", "shelled!",
            "shelling!", "roadside bomb!", "car bomb!", "sticky bomb!", "suicide bomb*!",
            "drone strike*!",
            "هجوم*", "عبوة*", "ناسفة", "انفجار*", "تفجير*", "قصف*", "مقتل*", "قتل*", "جرحى",
            "جريح*", "جروح", "إصاب*", "أصيب*", "طائرة مسيرة", "طائرات مسيرة", "صاروخ*",
            "صواريخ", "قذائف", "قذيفة", "هاون", "قنبلة", "قنابل", "داعش", "إرهاب*", "مسلح*",
            "اشتباك*", "أمني*", "جيش", "شرطة", "دورية", "نقطة تفتيش", "القبض", "اعتقال*",
            "تهريب", "مهرب*", "أسلحة", "أعتدة", "مخدرات",
            "اغتيال!", "اغتال*!", "ضربة جوية!", "غارة*!",
        ],
    },
    {
        "key": "humanitarian",
        "title": "Humanitarian",
        "description": "Displacement, health, food, water, camps and aid.",
        "keywords": [
            "displaced", "displacement", "idp", "idps", "camp", "camps", "refugee*",
            "repatriat*", "returnee*", "migrants", "asylum", "families", "humanitarian",
            "aid", "relief", "assistance", "unicef", "world health organization", "unhcr",
            "outbreak*", "disease*", "vaccin*", "hospital*", "clinic*", "health", "medical",
            "medicine*", "patients", "drought*", "dust storm*", "sandstorm*", "storm",
            "storms", "heavy rain*", "torrential", "heatwave*", "heat wave",
            "water shortage*", "tap water", "clean water", "water trucking", "sanitation",
            "food", "food parcel*", "malnutrition", "hunger", "famine", "shelter*", "tent",
            "tents", "rescue*", "school", "schools",
            # Deaths in a disaster, accident or epidemic are humanitarian, not security; so
            # are drinking water and clearing explosives so that families can return.
            "cholera!", "measles!", "epidemic*!", "flood*!", "drown*!", "earthquake*!",
            "fire broke out!", "blaze*!", "short circuit!", "civil defence!",
            "civil defense!", "poisoning*!", "drinking water!", "mine clearance!",
            "mine action!", "demining!", "risk education!",
            "نازح*", "نزوح", "مخيم*", "لاجئ*", "مساعدات", "إغاث*", "إنساني*", "عائلات",
            "لقاح*", "تلقيح*", "مستشف*", "صحة", "صحي", "صحية", "جفاف", "شح المياه", "غذاء",
            "غذائي*", "خيمة", "خيام", "اختناق",
            "كوليرا!", "حصبة!", "وباء!", "فيضان*!", "سيول!", "غرق*!", "زلزال!", "حريق!",
            "حرائق!", "الدفاع المدني!", "تسمم!", "عاصفة ترابية!", "مياه الشرب!",
            "إزالة الألغام!",
        ],
    },
    {
        "key": "economy",
        "title": "Economy",
        "description": "Oil, budget, currency, trade, energy, farming and jobs.",
        "keywords": [
            "oil", "crude", "refiner*", "fuel", "diesel", "gasoline", "gas", "pipeline*",
            "barrel*", "opec", "production", "output", "electricity", "power",
            "power station*", "power plant*", "megawatt*", "solar", "dinar*", "dollar*",
            "currency", "reserves", "exchange rate*", "central bank", "bank", "banks",
            "inflation", "price*", "economy", "economic*", "revenue*", "tax", "taxes",
            "customs", "deficit", "debt*", "arrears", "billion", "trillion", "salary",
            "salaries", "payroll*", "pension*", "finance minist*", "ministry of finance",
            "export*", "import", "imports", "imported", "importing", "importer*", "trade",
            "trader*", "investment*", "investor*", "contract", "contracts", "unemploy*",
            "jobs", "industr*", "factory", "factories", "infrastructure", "construction",
            "transport", "railway*", "port", "ports", "tourism", "passenger*", "wheat",
            "crop*", "harvest*", "farmer*", "agricultur*", "irrigation", "silo*",
            "livestock", "subsid*",
            # A budget is economy even when it funds security or is debated in parliament.
            "budget*!",
            "نفط*", "دينار", "دولار*", "مليار*", "تريليون", "البنك المركزي", "سعر الصرف",
            "احتياطي*", "عملة", "عملات", "أسعار", "سعر", "تضخم", "بطالة", "إيرادات", "ضريب*",
            "جمارك", "كمارك", "كهرباء", "كهربائي*", "غاز", "برميل", "براميل", "صادرات",
            "تصدير", "استيراد*", "واردات", "تجارة", "تجاري*", "استثمار*", "اقتصاد*",
            "رواتب", "وزارة المالية", "مستحقات", "فلاح*", "مزارع*", "حنطة", "قمح", "محصول",
            "محاصيل", "زراع*",
            "موازنة!",
        ],
    },
)
# fmt: on
