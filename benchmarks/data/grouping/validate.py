import collections
import datetime as dt
import json
import re
import sys
from urllib.parse import urlparse

D = str(__import__("pathlib").Path(__file__).resolve().parent) + "/"
SOURCES = {
    "Tigris Wire": "tigris-wire.example",
    "Baghdad Observer": "baghdad-observer.example",
    "Kurdistan Ledger": "kurdistan-ledger.example",
    "Euphrates News Agency": "euphrates-news.example",
    "Mesopotamia Economic Review": "mer.example",
    "Relief Desk Iraq": "reliefdesk.example",
    "Al-Rafidain Daily": "alrafidain.example",
    "Nineveh Monitor": "nineveh-monitor.example",
}
SECTIONS = {"politics", "security", "humanitarian", "economy"}
FIELDS = [
    "id",
    "source",
    "url",
    "language",
    "published",
    "title",
    "summary",
    "section",
    "story",
    "event_date",
]
LO = dt.datetime.fromisoformat("2024-03-01T00:00:00+03:00")
HI = dt.datetime.fromisoformat("2024-03-28T23:59:00+03:00")
BAGHDAD = dt.timezone(dt.timedelta(hours=3))
errors = []
err = errors.append

items = []
with open(D + "items.jsonl", encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"items.jsonl:{n}: {e}")
            continue
        items.append(r)
        if list(r) != FIELDS:
            err(f"{n}: fields {list(r)}")
        if not re.fullmatch(r"g\d{3}", r["id"]):
            err(f"{n}: bad id {r['id']}")
        if r["source"] not in SOURCES:
            err(f"{r['id']}: unknown source {r['source']}")
        elif urlparse(r["url"]).hostname != SOURCES[r["source"]] or not r["url"].startswith(
            "https://"
        ):
            err(f"{r['id']}: url {r['url']} does not match {r['source']}")
        if r["language"] != ("ar" if r["source"] == "Al-Rafidain Daily" else "en"):
            err(f"{r['id']}: language {r['language']}")
        if r["language"] == "ar" and not re.search(r"[\u0600-\u06ff]", r["title"] + r["summary"]):
            err(f"{r['id']}: Arabic item without Arabic text")
        if r["language"] == "en" and re.search(r"[\u0600-\u06ff]", r["title"] + r["summary"]):
            err(f"{r['id']}: English item with Arabic text")
        pub = dt.datetime.fromisoformat(r["published"])
        if pub.tzinfo is None:
            err(f"{r['id']}: published without offset")
        elif not LO <= pub <= HI:
            err(f"{r['id']}: published {pub} out of range")
        ev = dt.date.fromisoformat(r["event_date"])
        if ev > pub.astimezone(BAGHDAD).date():
            err(f"{r['id']}: event_date after publication")
        if (pub.astimezone(BAGHDAD).date() - ev).days > 3:
            err(f"{r['id']}: event_date more than 3 days before publication")
        if r["section"] not in SECTIONS:
            err(f"{r['id']}: section {r['section']}")
        if not r["title"].strip() or not r["summary"].strip():
            err(f"{r['id']}: empty title/summary")

ids = [r["id"] for r in items]
if len(ids) != len(set(ids)):
    err("duplicate ids")
if len({r["url"] for r in items}) != len(items):
    err("duplicate urls")
if ids != [f"g{i:03d}" for i in range(1, len(ids) + 1)]:
    err("ids not consecutive")

stories = collections.defaultdict(list)
for r in items:
    stories[r["story"]].append(r)
for sid, rs in stories.items():
    srcs = [r["source"] for r in rs]
    if len(srcs) != len(set(srcs)):
        err(f"{sid}: two items from the same source: {srcs}")
    if len({r["section"] for r in rs}) > 1:
        err(f"{sid}: items in different sections")
    if len({r["event_date"] for r in rs}) > 1:
        err(f"{sid}: items with different event dates")
    if len(rs) > 4:
        err(f"{sid}: more than 4 items")

incidents = []
with open(D + "incidents.jsonl", encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        r = json.loads(line)
        incidents.append(r)
        if list(r) != ["story", "date", "location", "deaths", "injuries"]:
            err(f"incidents:{n}: fields {list(r)}")
        if r["story"] not in stories:
            err(f"incidents:{n}: unknown story {r['story']}")
            continue
        rs = stories[r["story"]]
        if any(x["section"] != "security" for x in rs):
            err(f"incidents:{n}: story {r['story']} not security")
        if r["date"] != rs[0]["event_date"]:
            err(f"incidents:{n}: date {r['date']} != event_date {rs[0]['event_date']}")
        for k in ("deaths", "injuries"):
            if r[k] is not None and (not isinstance(r[k], int) or r[k] < 0):
                err(f"incidents:{n}: bad {k}")
if len({r["story"] for r in incidents}) != len(incidents):
    err("story with two incident rows")

for e in errors:
    print("ERROR", e)
multi = {s: rs for s, rs in stories.items() if len(rs) > 1}
sec_items = collections.Counter(r["section"] for r in items)
sec_stories = collections.Counter(rs[0]["section"] for rs in stories.values())
sizes = dict(sorted(collections.Counter(len(v) for v in multi.values()).items()))
print(
    f"items {len(items)}; stories {len(stories)}; multi-source stories {len(multi)} "
    f"({sum(len(v) for v in multi.values())} items; sizes {sizes}); "
    f"single-item stories {len(stories) - len(multi)}"
)
print("items per section", {k: f"{v} ({v / len(items):.0%})" for k, v in sec_items.most_common()})
print("stories per section", dict(sec_stories.most_common()))
print(
    "multi-source stories per section",
    dict(collections.Counter(rs[0]["section"] for rs in multi.values()).most_common()),
)
print("items per source", dict(collections.Counter(r["source"] for r in items).most_common()))
print(
    "arabic items",
    sum(r["language"] == "ar" for r in items),
    "; multi-source stories with an Arabic item",
    sum(any(r["language"] == "ar" for r in rs) for rs in multi.values()),
)
sec_stories_n = sum(1 for rs in stories.values() if rs[0]["section"] == "security")
print(
    "incidents",
    len(incidents),
    "; security stories without incident row",
    sec_stories_n - len(incidents),
    "; incidents with null deaths",
    sum(r["deaths"] is None for r in incidents),
    "; null injuries",
    sum(r["injuries"] is None for r in incidents),
)
weeks = collections.Counter()
for r in items:
    d = dt.datetime.fromisoformat(r["published"]).astimezone(BAGHDAD).date()
    weeks[
        min(
            e
            for e in ("2024-03-07", "2024-03-14", "2024-03-21", "2024-03-28")
            if d <= dt.date.fromisoformat(e)
        )
    ] += 1
print("items by publication week (ending)", dict(sorted(weeks.items())))
print(
    "items published a day or more after the event",
    sum(
        dt.datetime.fromisoformat(r["published"]).astimezone(BAGHDAD).date()
        > dt.date.fromisoformat(r["event_date"])
        for r in items
    ),
)
print("items with non-+03:00 offset", sum(not r["published"].endswith("+03:00") for r in items))
sys.exit(1 if errors else 0)
