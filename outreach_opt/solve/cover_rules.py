"""Sessions per period over the horizon, and cover above the asked minimum.

Rules that shift-scheduling benchmarks (Curtois & Qu) need and department heads want too:
"at most four night lists this month" (`period_sessions`), and "a partner asked for four
clinics; a fifth costs a session missing at home" (`surplus`). The ids are those of
models/MODEL.md and of check/cover.py.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from outreach_opt.solve.model_parts import ModelParts


class CoverRules(ModelParts):
    """Mixed into `RosterModel`, which owns the attributes (declared in `ModelParts`)."""

    uncovered: dict[tuple[str, int], cp_model.IntVar]

    def _add_period_sessions(self) -> None:
        """Rule `period_sessions`: sessions in period p over the horizon, commitments
        included, at most `max_sessions_by_period[p]`: Σ_{t,k: k occupies p} y ≤ limit.
        A limit of 0 removes every pattern using p at once."""
        pidx = {pid: p for p, pid in enumerate(self.prep.period_ids)}
        for sid, spec in self.prep.specialists.items():
            for period, limit in sorted(spec.max_sessions_by_period.items()):
                p = pidx[period]
                using = [
                    var for t in range(self.prep.n_days) for pat, var in self.days[(sid, t)] if pat.stops[p] is not None
                ]
                if len(using) <= limit:
                    continue  # at most one pattern a day: no choice of patterns can break it
                if limit == 0:
                    for var in using:
                        self._hard(self.model.add(var == 0), "period_sessions", (sid, period))
                else:
                    self._hard(self.model.add(sum(using) <= limit), "period_sessions", (sid, period))

    def surplus_term(self) -> cp_model.LinearExprT:
        """Term `surplus`: `surplus_weight` per session of a demand above `sessions.min` in a
        week it asks in. Exactly max(0, served − min): where the uncovered variable u =
        max(0, min − served) exists, that is served − min + u (linear, no new variable);
        otherwise a variable defined by `add_max_equality`, so a roster returned at the time
        limit reports its true cost."""
        served: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for demand_id, t, _p, _site, var in self.demand_sessions():  # a team session once
            served[(demand_id, self.prep.week[t])].append(var)
        total = []
        for demand in self.prep.instance.demands:
            if demand.surplus_weight == 0:
                continue
            for w in self.prep.demand_weeks[demand.id]:
                count = cp_model.LinearExpr.sum(served[(demand.id, w)])
                least = demand.sessions.min
                if (demand.id, w) in self.uncovered:
                    total.append(demand.surplus_weight * (count - least + self.uncovered[(demand.id, w)]))
                elif least == 0:
                    total.append(demand.surplus_weight * count)
                elif len(served[(demand.id, w)]) > least:
                    extra = self.model.new_int_var(0, len(served[(demand.id, w)]) - least, f"surplus[{demand.id},{w}]")
                    self.model.add_max_equality(extra, [count - least, 0])
                    total.append(demand.surplus_weight * extra)
        return sum(total)
