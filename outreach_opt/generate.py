"""Realistic random instances for tests and benchmarks, deterministic per seed.

`generate(specialists, sites, weeks, seed)` returns instance data (plain dicts, lists, strings
and numbers, ready for YAML or `io.load.instance_from_data`) for a cardiology consortium like
Anzhen's: one main campus, about one branch campus per five sites, the rest county and district
hospitals on a map. Travel is road time derived from map distance (1.3 x straight-line km at
0.8 km per minute, plus 5 minutes to park), every pair listed. Specialists have grades and the
skills of their grade, a campus as home, one to three home duties a week and about 5 % of their
days unavailable. Partner sites ask for sessions (clinics, PCI evenings, teaching lists, …) sized
so that their weekly minimums add up to 60-70 % of the specialists' outreach allowance.

Generated instances are always feasible, because everything hard is kept apart from everything
else: home duties are daytime sessions at home on distinct weekdays (no clash, no driving, at
least 15 hours between them, so rest 600 holds), within the home site's resources, never at
weekends (so weekend, evening and run limits can always be met by not working), and fewer than
any weekly limit. Demands are soft below `min`, so an instance never needs more than that.

This module is a domain-level producer: it imports nothing but the standard library and
`outreach_opt.domain`, so any layer may use it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

from outreach_opt.domain.instance import SiteKind, Weekday

START = dt.date(2025, 11, 3)
"""A Monday; generated horizons start here so that weeks are calendar weeks."""

PERIODS = [
    {"id": "am", "start": "08:00", "end": "12:00"},
    {"id": "pm", "start": "13:30", "end": "17:00"},
    {"id": "eve", "start": "19:00", "end": "22:30"},
]
KM_DETOUR = 1.3  # road km per straight-line km
KM_PER_MINUTE = 0.8  # about 48 km/h door to door
PARKING_MINUTES = 5

WEEKDAYS = [d.value for d in Weekday][:5]
MON_SAT = [d.value for d in Weekday][:6]
WEEKEND = [d.value for d in Weekday][5:]

GRADES = ("chief", "associate_chief", "attending", "resident")
GRADE_SHARE = (0.15, 0.30, 0.35, 0.20)
LINES = ("interventional", "electrophysiology", "heart_failure")
LINE_SHARE = (0.5, 0.2, 0.3)

SURNAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Hu",
    "Zhu",
    "Gao",
    "Lin",
    "He",
    "Guo",
    "Ma",
    "Luo",
    "Liang",
    "Song",
    "Zheng",
    "Xie",
    "Han",
    "Tang",
    "Feng",
    "Yu",
    "Dong",
    "Xiao",
    "Cheng",
    "Cao",
    "Yuan",
    "Deng",
    "Fu",
    "Shen",
    "Zeng",
    "Peng",
    "Lu",
    "Su",
]
GIVEN = [
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Li",
    "Qiang",
    "Lei",
    "Jun",
    "Yang",
    "Yong",
    "Yan",
    "Jie",
    "Tao",
    "Ming",
    "Chao",
    "Xiu",
    "Hua",
    "Ping",
    "Gang",
    "Hui",
    "Ning",
    "Bo",
    "Rui",
    "Xin",
    "Yu",
    "Lan",
    "Hao",
    "Kai",
    "Long",
    "Peng",
    "Qing",
    "Shan",
    "Ting",
    "Xia",
    "Yi",
    "Zhen",
]
PLACES = [
    "Sanhe",
    "Dachang",
    "Xianghe",
    "Gu'an",
    "Yongqing",
    "Bazhou",
    "Wen'an",
    "Dacheng",
    "Zhuozhou",
    "Gaobeidian",
    "Jizhou",
    "Baodi",
    "Wuqing",
    "Yanqing",
    "Miyun",
    "Pinggu",
    "Huairou",
    "Fangshan",
    "Daxing",
    "Shunyi",
    "Jinghai",
    "Ninghe",
    "Zunhua",
    "Yutian",
    "Laishui",
    "Yixian",
    "Dingxing",
    "Xiongxian",
    "Rongcheng",
    "Anxin",
]


@dataclass(frozen=True)
class DemandKind:
    """A kind of session partner sites ask for."""

    key: str
    name: str
    activity: str
    skills: tuple[str, ...]
    periods: tuple[str, ...]
    days: tuple[str, ...]
    resource: str
    priority: tuple[int, int]
    share: float
    """How often partner sites ask for it, before weighting by who can serve it."""
    continuity: bool = False


KINDS = (
    DemandKind("clinic", "Coronary expert clinic", "clinic", ("coronary_clinic",), ("am", "pm"), tuple(MON_SAT),
               "clinic_room", (3, 4), 0.35),
    DemandKind("pci-eve", "PCI evening list", "surgery", ("pci",), ("eve",), tuple(WEEKDAYS), "cath_lab", (8, 10),
               0.15),
    DemandKind("pci-teaching", "Complex-PCI teaching list", "surgery", ("complex_pci",), ("am", "pm"),
               tuple(WEEKDAYS), "cath_lab", (6, 6), 0.07, continuity=True),
    DemandKind("ep-list", "Electrophysiology list", "surgery", ("electrophysiology",), ("am", "pm"), tuple(WEEKDAYS),
               "cath_lab", (5, 6), 0.08),
    DemandKind("hf-clinic", "Heart-failure clinic", "clinic", ("heart_failure_clinic",), ("am", "pm"),
               tuple(WEEKDAYS), "clinic_room", (2, 3), 0.10),
    DemandKind("ward-round", "Joint heart-failure ward round", "ward_round", ("heart_failure_clinic",), ("am",),
               tuple(WEEKDAYS), "ward", (3, 3), 0.07, continuity=True),
    DemandKind("weekend-clinic", "Weekend expert clinic", "clinic", ("coronary_clinic",), ("am", "pm"),
               tuple(WEEKEND), "clinic_room", (5, 5), 0.10),
    DemandKind("echo", "Echocardiography session", "echo", ("echo",), ("am", "pm"), tuple(WEEKDAYS), "clinic_room",
               (2, 2), 0.08),
)  # fmt: skip


def travel_minutes(km: float) -> int:
    """Road minutes for a straight-line distance: 1.3 x km at 0.8 km/min, plus 5, rounded."""
    return round(KM_DETOUR * km / KM_PER_MINUTE + PARKING_MINUTES)


def generate(specialists: int, sites: int, weeks: int, seed: int) -> dict[str, Any]:
    """Instance data with `specialists` doctors, `sites` sites (one main campus, about
    sites/5 branch campuses, the rest partner hospitals) over `weeks` weeks from Monday
    2025-11-03. The same arguments give the same data, to the byte."""
    if specialists < 1:
        raise ValueError("specialists must be at least 1")
    if sites < 2:
        raise ValueError("sites must be at least 2: a main campus and a partner")
    if weeks < 1 or weeks * 7 > 366:
        raise ValueError("weeks must be between 1 and 52")
    rng = random.Random(seed)
    site_list, coords = _sites(rng, sites)
    campuses = [s["id"] for s in site_list if s["kind"] in (SiteKind.main_campus, SiteKind.branch_campus)]
    people = [_specialist(rng, i, campuses, weeks) for i in range(specialists)]
    commitments = _commitments(rng, people, site_list)
    demands = _demands(rng, people, site_list)
    return {
        "name": f"Generated cardiology consortium: {specialists} specialists, {sites} sites, "
        f"{weeks} week{'s' if weeks > 1 else ''} (seed {seed})",
        "horizon": {"start": START.isoformat(), "days": 7 * weeks},
        "periods": [dict(p) for p in PERIODS],
        "sites": site_list,
        "travel": _travel(site_list, coords),
        "specialists": [_public(p) for p in people],
        "commitments": commitments,
        "demands": demands,
        "requests": _requests(rng, people, weeks),
        "fairness": {"burden": {"outreach_session": 1, "evening_session": 1, "weekend_day": 1, "travel_minute": 0}},
        "rules": {"min_rest_minutes": 600},
        "weights": {
            # One session moved between two sharers changes n x the sum of deviations by up to
            # 2(n-1) x 100 x its points (an evening or weekend session has 2); an uncovered
            # session (priority >= 2) must stay dearer than that, or fairness would drop it.
            # Weights stop at 100000 (the schema's limit), reached at 400 specialists: beyond
            # that a low-priority evening session may lose to fairness.
            "uncovered_session": min(100_000, max(1000, 250 * specialists)),
            "travel_minute": 1,
            "request": 1,
            "fairness_deviation": 1,
        },
    }


def _sites(rng: random.Random, count: int) -> tuple[list[dict[str, Any]], dict[str, tuple[float, float]]]:
    branches = max(1, round(count / 5)) if count >= 3 else 0
    partners = count - 1 - branches
    sites: list[dict[str, Any]] = [
        {
            "id": "main",
            "name": "Main campus",
            "kind": SiteKind.main_campus.value,
            "resources": {"clinic_room": 20, "cath_lab": 6, "ward": 10},
        }
    ]
    coords: dict[str, tuple[float, float]] = {"main": (0.0, 0.0)}
    anchors = ["main"]
    for b in range(1, branches + 1):
        sid = f"branch-{b}"
        angle = rng.uniform(0, 2 * math.pi)
        km = rng.uniform(20, 40)
        coords[sid] = (km * math.cos(angle), km * math.sin(angle))
        anchors.append(sid)
        sites.append(
            {
                "id": sid,
                "name": f"Branch campus {b}",
                "kind": SiteKind.branch_campus.value,
                "resources": {"clinic_room": 8, "cath_lab": 3, "ward": 4},
            }
        )
    places = list(PLACES)
    rng.shuffle(places)
    for h in range(1, partners + 1):
        sid = f"hospital-{h:02d}"
        anchor = coords[rng.choice(anchors)]
        angle = rng.uniform(0, 2 * math.pi)
        km = rng.uniform(15, 40)
        coords[sid] = (anchor[0] + km * math.cos(angle), anchor[1] + km * math.sin(angle))
        kind = SiteKind.county_hospital if rng.random() < 0.7 else SiteKind.district_hospital
        place = places[(h - 1) % len(places)] + (f" {(h - 1) // len(places) + 1}" if h > len(places) else "")
        label = "County People's Hospital" if kind is SiteKind.county_hospital else "District Hospital"
        resources = {"clinic_room": rng.randint(2, 3), "cath_lab": 1 if rng.random() < 0.7 else 0, "ward": 1}
        sites.append({"id": sid, "name": f"{place} {label}", "kind": kind.value, "resources": resources})
    return sites, coords


def _travel(sites: list[dict[str, Any]], coords: dict[str, tuple[float, float]]) -> list[list[Any]]:
    ids = [s["id"] for s in sites]
    legs: list[list[Any]] = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            legs.append([a, b, travel_minutes(math.dist(coords[a], coords[b]))])
    return legs


def _pick(rng: random.Random, options: tuple[str, ...], shares: tuple[float, ...]) -> str:
    return rng.choices(options, weights=shares, k=1)[0]


def _specialist(rng: random.Random, index: int, campuses: list[str], weeks: int) -> dict[str, Any]:
    grade = _pick(rng, GRADES, GRADE_SHARE)
    line = _pick(rng, LINES, LINE_SHARE)
    skills = _skills(rng, grade, line)
    fte = 100
    draw = rng.random()
    if draw < 0.05:
        fte = 50
    elif draw < 0.15:
        fte = 80
    outreach = {"chief": (1, 2), "associate_chief": (2, 3), "attending": (2, 4), "resident": (1, 2)}[grade]
    home = "main" if len(campuses) == 1 or rng.random() < 0.6 else rng.choice(campuses[1:])
    spec: dict[str, Any] = {
        "id": f"spec-{index + 1:03d}",
        "name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
        "grade": grade,
        "home": home,
        "skills": skills,
        "fte": fte,
        "max_sessions_per_week": {100: rng.randint(8, 10), 80: 8, 50: 5}[fte],
        "max_outreach_sessions_per_week": rng.randint(*outreach) if fte == 100 else 1 + (fte == 80),
        "max_travel_minutes_per_day": rng.choice((180, 210, 240)),
        "max_consecutive_working_days": 6,
        "max_evening_sessions_per_week": 2,
    }
    if fte < 100:
        spec["max_working_days_per_week"] = 4 if fte == 80 else 3
    if weeks > 1:
        spec["max_weekends"] = (weeks + 1) // 2
    spec["unavailable"] = [
        {"date": (START + dt.timedelta(days=t)).isoformat()} for t in range(7 * weeks) if rng.random() < 0.05
    ]
    spec["_line"] = line
    return spec


def _skills(rng: random.Random, grade: str, line: str) -> list[str]:
    if grade == "resident":
        return ["echo"]
    skills = ["coronary_clinic"]
    if line == "interventional":
        if grade == "chief" or (grade == "associate_chief" and rng.random() < 0.5):
            skills += ["pci", "complex_pci"]
        elif grade == "associate_chief" or rng.random() < 0.6:
            skills.append("pci")
    elif line == "electrophysiology":
        if grade != "attending" or rng.random() < 0.5:
            skills.append("electrophysiology")
        if grade != "chief" and rng.random() < 0.3:
            skills.append("pci")
    else:
        skills.append("heart_failure_clinic")
    if grade == "attending" and rng.random() < 0.4:
        skills.append("echo")
    return skills


def _public(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if not k.startswith("_") and v != []}


def _commitments(rng: random.Random, people: list[dict[str, Any]], sites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One to three home duties a week, on distinct weekdays, daytime, within the home's
    resources (a slot that is full gets a duty without a resource rather than a clash)."""
    capacity = {s["id"]: s["resources"] for s in sites}
    used: dict[tuple[str, str, str, str], int] = {}
    out: list[dict[str, Any]] = []
    for spec in people:
        limit = min(3, spec.get("max_working_days_per_week", 5), spec["max_sessions_per_week"])
        days = sorted(rng.sample(range(5), rng.randint(1, limit)))
        for day in days:
            period = rng.choice(("am", "pm"))
            activity, resource = _duty(rng, spec)
            key = (spec["home"], WEEKDAYS[day], period, resource)
            entry: dict[str, Any] = {
                "specialist": spec["id"],
                "day": WEEKDAYS[day],
                "period": period,
                "site": spec["home"],
                "activity": activity,
            }
            if used.get(key, 0) < capacity[spec["home"]].get(resource, 0):
                used[key] = used.get(key, 0) + 1
                entry["resource"] = resource
            out.append(entry)
    return out


def _duty(rng: random.Random, spec: dict[str, Any]) -> tuple[str, str]:
    if spec["grade"] == "resident":
        return rng.choice((("ward_round", "ward"), ("echo", "clinic_room")))
    options = [("clinic", "clinic_room"), ("ward_round", "ward")]
    if "pci" in spec["skills"] or "electrophysiology" in spec["skills"]:
        options += [("surgery", "cath_lab")] * 2
    return rng.choice(options)


def _demands(rng: random.Random, people: list[dict[str, Any]], sites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sessions partner sites ask for, added one at a time until the weekly minimums reach
    60-70 % of the outreach allowance. A kind is chosen by its share times the allowance of
    the specialists who can serve it (no one asks for what nobody can do), a site among those
    with the kind's resource (branch campuses less often than partner hospitals)."""
    capacity = sum(p["max_outreach_sessions_per_week"] for p in people)
    target = round(capacity * rng.uniform(0.60, 0.70))
    supply = {
        kind.key: sum(p["max_outreach_sessions_per_week"] for p in people if set(kind.skills) <= set(p["skills"]))
        for kind in KINDS
    }
    kinds = [k for k in KINDS if supply[k.key] > 0]
    if not kinds or target == 0:
        return []
    weights = [k.share * supply[k.key] for k in kinds]
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    order: list[tuple[str, str]] = []
    total = 0
    attempts = 0
    while total < target and attempts < 100 * target:
        attempts += 1
        kind = rng.choices(kinds, weights=weights, k=1)[0]
        hosts = [s for s in sites if s["kind"] != SiteKind.main_campus.value and s["resources"].get(kind.resource, 0)]
        if not hosts:
            continue
        host_weights = [0.3 if s["kind"] == SiteKind.branch_campus.value else 1.0 for s in hosts]
        site = rng.choices(hosts, weights=host_weights, k=1)[0]
        slots = site["resources"][kind.resource] * len(kind.days) * len(kind.periods)
        key = (site["id"], kind.key)
        step = 2 if kind.key == "weekend-clinic" else 1  # a weekend clinic day is am + pm
        if key in by_key:
            demand = by_key[key]
            if demand["sessions"]["max"] + step > min(slots, 6):
                continue
            demand["sessions"]["min"] += step
            demand["sessions"]["max"] += step
        else:
            if step > slots:
                continue
            demand = {
                "id": f"{site['id']}-{kind.key}",
                "name": f"{kind.name} at {site['name']}",
                "site": site["id"],
                "activity": kind.activity,
                "skills": list(kind.skills),
                "sessions": {"min": step, "max": step},
                "days": list(kind.days),
                "periods": list(kind.periods),
                "resource": kind.resource,
                "priority": rng.randint(*kind.priority),
            }
            if kind.continuity:
                demand["continuity"] = True
            by_key[key] = demand
            order.append(key)
        total += step
    for key in order:  # some sites take one more session when someone is free
        demand = by_key[key]
        slots = next(s for s in sites if s["id"] == key[0])["resources"][demand["resource"]]
        room = slots * len(demand["days"]) * len(demand["periods"])
        if demand["sessions"]["max"] < room and rng.random() < 0.3:
            demand["sessions"]["max"] += 1
    return [by_key[key] for key in order]


def _requests(rng: random.Random, people: list[dict[str, Any]], weeks: int) -> list[dict[str, Any]]:
    """About one specialist in seven asks for a weekend off (two soft off requests)."""
    out: list[dict[str, Any]] = []
    for spec in people:
        if rng.random() < 0.15:
            saturday = START + dt.timedelta(days=7 * rng.randrange(weeks) + 5)
            for day in (saturday, saturday + dt.timedelta(days=1)):
                out.append({"specialist": spec["id"], "date": day.isoformat(), "want": "off", "weight": 100})
    return out
