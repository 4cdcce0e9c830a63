"""Curtois & Qu shift scheduling files, read into the engine's own instance model.

The benchmark (schedulingbenchmarks.org; ../shared/benchmarks/curtois-qu/README.md) is a
nurse rostering problem. Every one of its rules is said with a rule the engine already has,
so the engine's builder and the independent checker judge it, never a second model:

- employee: a specialist at the one site `ward`; no travel, rest 0.
- shift type: a period (clock times below); one a day, `max_sessions_per_day: 1`.
- MaxShifts 0: the employee lacks the skill named after that shift, which its cover asks for.
- MaxShifts n: `max_sessions_by_period: {shift: n}` (rule `period_sessions`).
- Min/MaxTotalMinutes: `min/max_minutes_total`, scaled with the clock (below).
- Max/MinConsecutiveShifts, MinConsecutiveDaysOff: `max/min_consecutive_working_days`,
  `min_consecutive_days_off`, with `rules.runs_at_horizon_ends: free` (edges below).
- MaxWeekends: `max_weekends`; day 0 is a Monday, the horizon starts on `START`.
- days off: hard requests off (rule `day_off`).
- shift on/off requests: soft requests for the shift's period, their weight as given.
- cover (day, shift, R, under, over): a demand on that date and period with `sessions.min`
  R, `priority` under (`weights.uncovered_session` 1) and `surplus_weight` over.
- ForbiddenNext: `forbidden_successions` by period.

Clock times: periods must not overlap in one day, but shift types laid end to end can be
longer than a day (four 8-hour shifts). So every length is divided by the smallest common
factor k (a divisor of all lengths) that fits them into 00:00-24:00, in the file's order,
and the total-minute limits become floor(max / k) and ceil(min / k). That is exact: worked
minutes are k times the scaled sum, and k·S <= M exactly when S <= floor(M / k). With k = 1
(e.g. Instance3: E 00:00-08:00, D 08:00-16:00, L 16:00-24:00) the lengths are the real ones.
Nothing else reads clock times here: one site, no travel and no rest.

Edges: days outside the horizon count as off for the longest run (as the engine always
reads it), and a run of days off touching an end is never too short (likewise). A run of
worked days touching an end is never too short either: `runs_at_horizon_ends: free`. The
benchmark README calls "held" the common reading, but with it the engine proves Instance2's
optimum to be 833, above the published proven optimum 828; with `free` it finds 828.

Every (day, shift) gets a demand, also one the cover section does not list (minimum 0,
free above it), since the engine rosters sessions only against demands. Its hard maximum is
the number of employees, which can never bind.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outreach_opt.domain.instance import ID_PATTERN, MOST_COUNT, MOST_DAYS, MOST_ID_CHARACTERS, Instance
from outreach_opt.domain.problems import InputError, Problem
from outreach_opt.io.load import instance_from_data

START = dt.date(2024, 1, 1)
"""A Monday: day 0 of every Curtois & Qu instance is a Monday."""
SITE = "ward"
SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
_ID = re.compile(ID_PATTERN)
"""The instance model's `Id` pattern, refused here at the benchmark's line, as its length
(`MOST_ID_CHARACTERS`; a shift id is also part of its cover demands' ids, `cover-DAY-SHIFT`,
so it is held to less, `parse`)."""
DAYS = (MOST_DAYS, "the longest horizon outreach-opt plans")
"""The instance model's limit on `horizon.days`, refused here at the benchmark's line."""
HELD = (MOST_COUNT, "the largest number an outreach-opt instance holds")
"""The instance model's limit on a count or weight (`Count`), refused here at the benchmark's
line: the model's own message names the generated instance's field, with no line."""


@dataclass
class _Line:
    number: int
    fields: list[str]


@dataclass
class CurtoisQu:
    """The file as read, with the line of every entry for messages."""

    file: str
    horizon: int = 0
    shifts: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    """shift id -> (length in minutes, ids that may not follow it the next day)"""
    staff: dict[str, dict[str, Any]] = field(default_factory=dict)
    days_off: list[tuple[str, int]] = field(default_factory=list)
    on_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    off_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    cover: dict[tuple[int, str], tuple[int, int, int]] = field(default_factory=dict)


class _Reader:
    """Collects located problems instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem((), message, self.file, line))

    def integer(self, line: int, text: str, what: str, least: int = 0, most: tuple[int, str] | None = None) -> int:
        """`most` is (the largest value, why it is the largest), said in the message."""
        try:
            value = int(text.strip())
        except ValueError:
            self.error(line, f"{what} must be a whole number, not {text.strip()!r}")
            return least
        if value < least:
            self.error(line, f"{what} must be at least {least}, not {value}")
            return least
        if most is not None and value > most[0]:
            self.error(line, f"{what} must be at most {most[0]} ({most[1]}), not {value}")
            return least
        return value


def _sections(text: str, reader: _Reader, first: dict[str, int]) -> Iterator[tuple[str, list[_Line]]]:
    """(section name, its data lines) in file order; `#` comments and blank lines dropped.
    `first` gets the line of each section's (first) header."""
    name: str | None = None
    lines: list[_Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("SECTION_"):
            if name is not None:
                yield name, lines
            if line not in SECTIONS:
                reader.error(number, f"unknown section {line!r}; known: {', '.join(SECTIONS)}")
            elif line in first:  # else the later one would silently win, and other lines be blamed
                reader.error(number, f"{line} is given twice (first at line {first[line]}); give each section once")
            first.setdefault(line, number)
            name, lines = line, []
            continue
        if name is None:
            reader.error(number, "data before the first SECTION_ line; a file starts with SECTION_HORIZON")
            continue
        lines.append(_Line(number, [f.strip() for f in line.split(",")]))
    if name is not None:
        yield name, lines


def parse(text: str, file: str) -> CurtoisQu:
    """Read a Curtois & Qu text; every problem is reported with its line, all at once."""
    reader = _Reader(file)
    out = CurtoisQu(file)
    headers: dict[str, int] = {}
    found = dict(_sections(text, reader, headers))
    for required in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if required not in found:
            reader.error(1, f"{required} is missing; a Curtois & Qu file has {', '.join(SECTIONS)}")
    if reader.problems:
        raise InputError(reader.problems)

    def width(line: _Line, least: int, what: str, most: int | None = None) -> bool:
        if len(line.fields) < least or (most is not None and len(line.fields) > most):
            reader.error(line.number, f"expected {what}, found {len(line.fields)} fields: {','.join(line.fields)}")
            return False
        return True

    horizon = found["SECTION_HORIZON"]
    if len(horizon) != 1 or not width(horizon[0], 1, "one number, the days in the horizon", 1):
        reader.error(horizon[0].number if horizon else 1, "SECTION_HORIZON holds one line: the number of days")
    else:
        before = len(reader.problems)
        out.horizon = reader.integer(horizon[0].number, horizon[0].fields[0], "the horizon", 1, DAYS)
        if len(reader.problems) > before:
            out.horizon = 0  # unknown: days are not judged against it

    def identifier(line: _Line, text: str, what: str, most: tuple[int, str]) -> str:
        """`most` is (the longest id, why it is the longest), said in the message."""
        if not _ID.match(text):
            reader.error(
                line.number,
                f"{what} {text!r} must start with a letter or digit and hold only letters, digits, "
                "'-', '_' or '.' (as an outreach-opt id); rename it here and where the file names it",
            )
        elif len(text) > most[0]:
            reader.error(
                line.number,
                f"{what} {text[:20]!r}... is {len(text)} characters long; it must be at most {most[0]} "
                f"({most[1]}): shorten it here and where the file names it",
            )
        return text

    # A shift id also makes its cover demands' ids, cover-DAY-SHIFT, held to MOST_ID_CHARACTERS as well.
    last_day = (out.horizon or DAYS[0]) - 1
    shift_most = MOST_ID_CHARACTERS - len(f"cover-{last_day}-")
    shift_why = (
        f"its cover demands are named cover-DAY-SHIFT, cover-{last_day}-SHIFT the longest, "
        f"and an outreach-opt id holds at most {MOST_ID_CHARACTERS} characters"
    )
    if not found["SECTION_SHIFTS"]:
        reader.error(
            headers["SECTION_SHIFTS"],
            "SECTION_SHIFTS has no shifts; list each shift type on its own line after it as "
            "ShiftID, Length in minutes, ForbiddenNext (may be empty), e.g. D,480,",
        )
    for line in found["SECTION_SHIFTS"]:
        if len(line.fields) == 1:
            sid = line.fields[0]
            what = "ShiftID, Length in minutes, ForbiddenNext (may be empty)"
            reader.error(line.number, f"shift {sid!r} has no length; write {what}, e.g. {sid},480,")
            out.shifts.setdefault(sid, (0, []))  # known, so the lines naming it are not refused as well
            continue
        if not width(line, 2, "ShiftID, Length, ForbiddenNext", 3):
            continue
        sid = identifier(line, line.fields[0], "shift id", (shift_most, shift_why))
        if sid in out.shifts:
            reader.error(line.number, f"shift {sid!r} is listed twice")
        following = [s.strip() for s in line.fields[2].split("|") if s.strip()] if len(line.fields) > 2 else []
        # One shift a day: a longer one would be scaled into a day (clock_scale) and look fine.
        one_day = (24 * 60, "the minutes in a day: a shift is worked within one day")
        length = reader.integer(line.number, line.fields[1], f"the length of shift {sid}", 1, one_day)
        out.shifts[sid] = (length, following)
    shift_lines = {line.fields[0]: line.number for line in found["SECTION_SHIFTS"] if line.fields}
    for sid, (_, following) in out.shifts.items():
        for other in following:
            if other not in out.shifts:
                reader.error(shift_lines[sid], f"shift {sid}'s ForbiddenNext names unknown shift {other!r}")

    def shift_ref(line: _Line, text: str) -> str:
        # No shift was read: SECTION_SHIFTS's own problems say so, not every line naming one.
        if out.shifts and text not in out.shifts:
            reader.error(line.number, f"unknown shift {text!r}; shifts are {', '.join(out.shifts)}")
        return text

    def day_ref(line: _Line, text: str) -> int:
        day = reader.integer(line.number, text, "a day")
        if out.horizon and day >= out.horizon:
            reader.error(line.number, f"day {day} is outside the horizon 0..{out.horizon - 1}")
        return day

    names = (
        "MaxTotalMinutes",
        "MinTotalMinutes",
        "MaxConsecutiveShifts",
        "MinConsecutiveShifts",
        "MinConsecutiveDaysOff",
        "MaxWeekends",
    )
    for line in found["SECTION_STAFF"]:
        if not width(line, 8, "ID, MaxShifts, " + ", ".join(names), 8):
            continue
        eid = identifier(line, line.fields[0], "employee id", (MOST_ID_CHARACTERS, "the longest outreach-opt id"))
        if eid in out.staff:
            reader.error(line.number, f"employee {eid!r} is listed twice")
        max_shifts = {}
        for part in filter(None, (p.strip() for p in line.fields[1].split("|"))):
            sid, equals, value = part.partition("=")
            if not equals:
                reader.error(line.number, f"MaxShifts entry {part!r} must be ShiftID=max, e.g. D=14")
                continue
            max_shifts[shift_ref(line, sid.strip())] = reader.integer(line.number, value, f"MaxShifts of {sid}")
        entry: dict[str, Any] = {"line": line.number, "max_shifts": max_shifts}
        before = len(reader.problems)
        for name, text in zip(names, line.fields[2:], strict=True):
            # Total minutes are held divided by the shifts' common factor: judged in to_data.
            entry[name] = reader.integer(line.number, text, name, 0, None if "Total" in name else HELD)
        # Imported, a minimum above its maximum is only found by `solve`, as infeasible.
        for least, most in (("MinTotalMinutes", "MaxTotalMinutes"), ("MinConsecutiveShifts", "MaxConsecutiveShifts")):
            if len(reader.problems) == before and entry[least] > entry[most]:
                reader.error(
                    line.number,
                    f"{least} {entry[least]} is above {most} {entry[most]}; give a minimum no larger than the maximum",
                )
        out.staff[eid] = entry

    def staff_ref(line: _Line, text: str) -> str:
        if text not in out.staff:
            reader.error(line.number, f"unknown employee {text!r}")
        return text

    for line in found.get("SECTION_DAYS_OFF", []):
        if width(line, 1, "EmployeeID, day, day, ..."):
            eid = staff_ref(line, line.fields[0])
            out.days_off += [(eid, day_ref(line, d)) for d in line.fields[1:] if d]
    for section, target in (
        ("SECTION_SHIFT_ON_REQUESTS", out.on_requests),
        ("SECTION_SHIFT_OFF_REQUESTS", out.off_requests),
    ):
        for line in found.get(section, []):
            if width(line, 4, "EmployeeID, Day, ShiftID, Weight", 4):
                eid, day, sid, weight = line.fields
                target.append(
                    (
                        staff_ref(line, eid),
                        day_ref(line, day),
                        shift_ref(line, sid),
                        reader.integer(line.number, weight, "the weight", 0, HELD),
                    )
                )
    for line in found["SECTION_COVER"]:
        if width(line, 5, "Day, ShiftID, Requirement, WeightForUnder, WeightForOver", 5):
            t, sid = day_ref(line, line.fields[0]), shift_ref(line, line.fields[1])
            if (t, sid) in out.cover:
                reader.error(line.number, f"cover for day {t}, shift {sid} is listed twice")
            values = [
                reader.integer(line.number, v, what, 0, HELD)
                for v, what in zip(line.fields[2:], ("Requirement", "WeightForUnder", "WeightForOver"), strict=True)
            ]
            out.cover[(t, sid)] = (values[0], values[1], values[2])
    if reader.problems:
        raise InputError(reader.problems)
    return out


def clock_scale(lengths: list[int]) -> int:
    """The smallest k dividing every length whose scaled lengths fit in one day (1440)."""
    common = math.gcd(*lengths)
    for k in range(1, common + 1):
        if common % k == 0 and sum(length // k for length in lengths) <= 24 * 60:
            return k
    raise ValueError("the shift lengths have no common divisor that fits them into one day")


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def to_data(cq: CurtoisQu, name: str) -> dict[str, Any]:
    """The engine's instance, as plain data (see the module docstring for each mapping)."""
    lengths = [length for length, _ in cq.shifts.values()]
    try:
        k = clock_scale(lengths)
    except ValueError as exc:
        raise InputError.single(cq.file, f"SECTION_SHIFTS: {exc}") from None
    too_large = [
        Problem(
            (),
            f"{field} must be at most {largest} (an outreach-opt instance holds at most {HELD[0]} minutes "
            f"once they are divided by {k}, the common factor of the shift lengths), not {entry[field]}",
            cq.file,
            entry["line"],
        )
        for entry in cq.staff.values()
        # floor(max / k) and ceil(min / k) are what the instance holds (module docstring)
        for field, largest in (("MaxTotalMinutes", HELD[0] * k + k - 1), ("MinTotalMinutes", HELD[0] * k))
        if entry[field] > largest
    ]
    if too_large:
        raise InputError(too_large)
    periods, start = [], 0
    for sid, (length, _) in cq.shifts.items():
        periods.append({"id": sid, "start": _clock(start), "end": _clock(start + length // k), "evening": False})
        start += length // k
    date = [START + dt.timedelta(days=t) for t in range(cq.horizon)]
    specialists = []
    for eid, entry in cq.staff.items():
        allowed = [sid for sid in cq.shifts if entry["max_shifts"].get(sid, cq.horizon) > 0]
        limits = {sid: n for sid, n in entry["max_shifts"].items() if 0 < n < cq.horizon}
        spec: dict[str, Any] = {
            "id": eid,
            "home": SITE,
            "skills": allowed,
            "max_sessions_per_day": 1,
            "min_minutes_total": -(-entry["MinTotalMinutes"] // k),
            "max_minutes_total": entry["MaxTotalMinutes"] // k,
            "max_consecutive_working_days": entry["MaxConsecutiveShifts"],
            "min_consecutive_working_days": entry["MinConsecutiveShifts"],
            "min_consecutive_days_off": entry["MinConsecutiveDaysOff"],
            "max_weekends": entry["MaxWeekends"],
        }
        if limits:
            spec["max_sessions_by_period"] = limits
        specialists.append(spec)
    demands = []
    for t in range(cq.horizon):
        for sid in cq.shifts:
            need, under, over = cq.cover.get((t, sid), (0, 0, 0))
            demands.append(
                {
                    "id": f"cover-{t}-{sid}",
                    "site": SITE,
                    "activity": sid,
                    "skills": [sid],
                    "sessions": {"min": need, "max": max(need, len(cq.staff))},
                    "periods": [sid],
                    "dates": [date[t].isoformat()],
                    "priority": under,
                    "surplus_weight": over,
                }
            )
    requests: list[dict[str, Any]] = [
        {"specialist": eid, "date": date[t].isoformat(), "want": "off", "hard": True} for eid, t in cq.days_off
    ]
    for want, listed in (("on", cq.on_requests), ("off", cq.off_requests)):
        requests += [
            {"specialist": eid, "date": date[t].isoformat(), "periods": [sid], "want": want, "weight": weight}
            for eid, t, sid, weight in listed
        ]
    successions = [
        {"today": {"period": sid}, "tomorrow": {"period": other}}
        for sid, (_, following) in cq.shifts.items()
        for other in following
    ]
    return {
        "name": name,
        "horizon": {"start": START.isoformat(), "days": cq.horizon},
        "periods": periods,
        "sites": [{"id": SITE, "name": "Ward", "kind": "main_campus"}],
        "specialists": specialists,
        "demands": demands,
        "requests": requests,
        "rules": {"min_rest_minutes": 0, "forbidden_successions": successions, "runs_at_horizon_ends": "free"},
        "weights": {
            "uncovered_session": 1,
            "travel_minute": 0,
            "request": 1,
            "preference": 0,
            "fairness_max": 0,
            "fairness_deviation": 0,
            "distinct_specialist": 0,
            "non_preferred_session": 0,
        },
    }


def read_curtois_qu(path: str) -> dict[str, Any]:
    """The instance data of a Curtois & Qu file, named after the file."""
    try:
        # utf-8-sig: a byte order mark (editors on Windows write one) is not data before a section.
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError.single(path, f"cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError.single(path, "the file is not UTF-8 text; give the benchmark's InstanceN.txt") from None
    return to_data(parse(text, path), Path(path).stem)


def load_curtois_qu(path: str) -> Instance:
    """Read and validate a Curtois & Qu file as an engine instance."""
    return instance_from_data(read_curtois_qu(path), path)
