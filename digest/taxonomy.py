"""The default taxonomy of a regional monitor: four sections and the words that mark them.

Keywords are whole words or phrases (case-insensitive) in English, or Arabic words, which
also match with attached prefixes. Projects override this with DIGEST_SECTIONS.
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
            "parliament", "prime minister", "president", "election", "elections", "governor",
            "provincial council", "cabinet", "minister", "ministry of foreign", "coalition",
            "party", "parties", "vote", "federal court", "constitution", "diplomat",
            "ambassador", "talks", "negotiation", "speaker", "legislation", "bill", "law",
            "sanctions", "summit", "delegation", "government", "البرلمان", "مجلس النواب",
            "انتخاب", "محافظ", "الحكومة", "رئيس الوزراء",
        ],
    },
    {
        "key": "security",
        "title": "Security",
        "description": "Attacks, military operations, arrests and armed groups.",
        "keywords": [
            "attack", "attacks", "killed", "wounded", "injured", "bomb", "ied", "roadside bomb",
            "car bomb", "explosion", "rocket", "rockets", "drone", "mortar", "gunmen",
            "militant", "militants", "isis", "insurgent", "airstrike", "air strike", "clash",
            "clashes", "ambush", "security forces", "army", "counter-terrorism", "arrested",
            "raid", "checkpoint", "soldier", "soldiers", "militia", "explosive", "هجوم",
            "عبوة ناسفة", "مقتل", "قتلى", "جرحى", "إصابة", "طائرة مسيرة", "صاروخ", "داعش",
            "تفجير",
        ],
    },
    {
        "key": "humanitarian",
        "title": "Humanitarian",
        "description": "Displacement, health, food, water, camps and aid.",
        "keywords": [
            "displaced", "displacement", "idp", "idps", "camp", "camps", "refugee", "refugees",
            "humanitarian", "aid", "unicef", "world health organization", "unhcr", "cholera",
            "outbreak", "hospital", "health", "drought", "flood", "floods", "water shortage",
            "food", "shelter", "returnees", "relief", "vaccination", "heatwave", "school",
            "schools", "نازحين", "النازحين", "مخيم", "الكوليرا", "المياه", "فيضان", "مساعدات",
        ],
    },
    {
        "key": "economy",
        "title": "Economy",
        "description": "Oil, budget, currency, trade, energy and jobs.",
        "keywords": [
            "oil", "budget", "dinar", "dollar", "exchange rate", "central bank", "exports",
            "imports", "trade", "investment", "electricity", "power", "gas", "pipeline",
            "barrels", "opec", "salaries", "salary", "inflation", "prices", "economy",
            "economic", "bank", "revenue", "tax", "customs", "contract", "unemployment", "jobs",
            "النفط", "الموازنة", "الدينار", "الكهرباء", "صادرات", "الرواتب",
        ],
    },
)
# fmt: on
