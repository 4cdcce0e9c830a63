"""Shortages no roster can mend: the sessions a period is asked for beyond what every
specialist who may serve it is allowed in that period (rule `period_sessions`).

Why: the neighbourhoods centre their windows, and draw half their people, on the candidates
of the demands the roster leaves short (or, half the time where some soft request is unmet,
on those requests; solve/lns_choice.py). On Curtois & Qu Instance8 the cover
asks for 86 night shifts and the staff may work 74 between them (`max_sessions_by_period`),
so 12 nights stay uncovered in every roster; Instance15 asks 104 and 94 of its two night
shifts against 84 and 78. There, once the roster is down to those, every neighbourhood
centred on a short night looks for what cannot be found, while the cost left is in requests
and the few other short sessions. This only says where not to look: every roster is still a
whole roster of the model, judged by its own terms.

The count, for a period `p`: `D_p` the demands every candidate of which is in `p` (none with
a team: a team session is one session of several people), `S_p` the specialists with a
candidate of some `D_p` demand. If every `s` in `S_p` has a limit `L_s` for `p`, each session
of a `D_p` demand takes one of its server's sessions in `p`, so
`Σ_{d ∈ D_p, w} u_{d,w} ≥ Σ_{d ∈ D_p, w} min_d − Σ_{s ∈ S_p} L_s` in every roster of the
model (over a shortlist, its candidates): the floor. A specialist without a limit for `p`
leaves `p` without a floor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from outreach_opt.domain.prepared import Candidate, Prepared


@dataclass(frozen=True)
class Floor:
    """The uncovered (demand, week) keys of one period and the fewest sessions they leave short."""

    period: str
    keys: tuple[tuple[str, int], ...]
    least: int


def period_floors(prep: Prepared, candidates: Iterable[Candidate], keys: Iterable[tuple[str, int]]) -> list[Floor]:
    """The floors above 0 (module docstring) over the model's `candidates` and the (demand,
    week) `keys` it has an uncovered count for."""
    periods: dict[str, set[int]] = defaultdict(set)
    servers: dict[str, set[str]] = defaultdict(set)
    for cand in candidates:
        periods[cand.demand].add(cand.period)
        servers[cand.demand].add(cand.specialist)
    by_period: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for demand, w in keys:
        if len(periods[demand]) == 1 and not prep.demands[demand].team:
            by_period[next(iter(periods[demand]))].append((demand, w))
    floors = []
    for p, held in sorted(by_period.items()):
        period = prep.period_ids[p]
        people = {s for demand, _ in held for s in servers[demand]}
        limits = [prep.specialists[s].max_sessions_by_period.get(period) for s in sorted(people)]
        if any(limit is None for limit in limits):
            continue
        asked = sum(prep.demands[demand].sessions.min for demand, _ in held)
        least = asked - sum(limit for limit in limits if limit is not None)
        if least > 0:
            floors.append(Floor(period, tuple(held), least))
    return floors
