"""The kinds of attack an incident row can be, with the label a Kind column shows.

One list for drafting (issues/incidents.py decides a row's kind), the settings
(DIGEST_INCIDENT_KINDS) and the published table (render/incident_table.py reads a Kind cell
back). Most telling first: a report naming several is of the first (a drone that drops a
bomb is a drone attack).
"""

from __future__ import annotations

KINDS = {
    "suicide": "Suicide attack",
    "car-bomb": "Car bomb",
    "drone": "Drone",
    "airstrike": "Airstrike",
    "rocket": "Rocket",
    "shelling": "Shelling",
    "ied": "IED",
    "mine": "Landmine",
    "grenade": "Grenade",
    "gunfire": "Gunfire",
    "explosion": "Explosion",  # a blast no report says the cause of
}
