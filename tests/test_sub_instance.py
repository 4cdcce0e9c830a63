"""`by_specialist.sub_instance` with its index (`by_specialist.Index`, `Lines.serving`) gives
the very sub-instances of the plain scan it replaced, kept here as the reference."""

from __future__ import annotations

import random
from collections import Counter

from test_curtois_qu import INSTANCE1

from outreach_opt.domain.instance import Demand, Instance
from outreach_opt.domain.roster import Assignment
from outreach_opt.io.curtois_qu import load_curtois_qu
from outreach_opt.solve.by_specialist import Lines, sub_instance


def reference(instance: Instance, spec_id: str, lines: Lines) -> Instance:
    """The scan of every demand, commitment and request per person (before the index)."""
    spec = next(s for s in instance.specialists if s.id == spec_id)
    own = Counter((a.demand, lines.week(a)) for a in lines.lines.get(spec_id, []) if a.demand is not None)
    every_week = range((instance.horizon.days + 6) // 7)
    demands: list[Demand] = []
    for dem in instance.demands:
        if not set(dem.skills) <= set(spec.skills):
            continue
        weeks = every_week if dem.dates is None else sorted({lines.week_of(d) for d in dem.dates} & set(every_week))
        if not weeks:
            continue
        others = [lines.served[(dem.id, w)] - own[(dem.id, w)] for w in weeks]
        if max(others) == 0:
            demands.append(dem)
            continue
        sessions = dem.sessions.model_copy(
            update={"min": max(0, dem.sessions.min - min(others)), "max": max(0, dem.sessions.max - max(others))}
        )
        demands.append(dem.model_copy(update={"sessions": sessions}))
    return instance.model_copy(
        update={
            "specialists": [spec],
            "demands": demands,
            "commitments": [c for c in instance.commitments if c.specialist == spec_id],
            "requests": [r for r in instance.requests if r.specialist == spec_id],
            "pins": [p for p in instance.pins if p.specialist == spec_id],
            "pinned_stays": [p for p in instance.pinned_stays if p.specialist == spec_id],
        }
    )


def test_the_index_gives_the_scans_sub_instances() -> None:
    """Instance1 (8 people, 14 days) with random lines of cover sessions for some people, set
    and replaced as the passes do: every person's sub-instance equals the reference's, and
    some demands are lowered (the test reaches the lowering, not only untouched demands)."""
    instance = load_curtois_qu(str(INSTANCE1))
    lines = Lines(instance)
    given = {d.id: d.sessions for d in instance.demands}
    lowered = 0
    for seed in range(5):
        rng = random.Random(seed)
        for spec in rng.sample(instance.specialists, 4):
            able = [d for d in instance.demands if set(d.skills) <= set(spec.skills) and d.dates]
            line = [
                Assignment(
                    specialist=spec.id,
                    date=sorted(dem.dates or ())[0],
                    period=(dem.periods or [instance.periods[0].id])[0],
                    site=dem.site,
                    activity=dem.activity,
                    demand=dem.id,
                )
                for dem in rng.sample(able, min(len(able), 6))
            ]
            lines.set(spec.id, line)
        for spec in instance.specialists:
            ours, theirs = sub_instance(instance, spec.id, lines), reference(instance, spec.id, lines)
            assert ours.model_dump() == theirs.model_dump()
            lowered += sum(d.sessions != given[d.id] for d in ours.demands)
    assert lowered > 0
