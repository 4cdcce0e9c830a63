"""Teaching: the terms `teaching_continuity` (distinct teachers per trainee) and
`teaching_target` (teaching sessions short of a trainee's monthly target).

A session of a demand that `teaches` a trainee teaches them only when they are available
then; those sessions are known per candidate, so both terms are linear in `x` with exact
auxiliaries (max), never only bounded. The checker's side is check/teaching.py.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from outreach_opt.solve.model_parts import ModelParts

MONTH_DAYS = 28
"""A "month" of teaching targets: four weeks from the horizon's start."""


def month_target(per_month: int, days_in_block: int) -> int:
    """The target of a block: the whole target for four weeks, the share rounded down for less."""
    return per_month * days_in_block // MONTH_DAYS


class TeachingRules(ModelParts):
    def add_teaching_terms(self) -> None:
        """Terms `teaching_continuity` and `teaching_target`, each only when weighted."""
        prep = self.prep
        weights = prep.instance.weights
        if not prep.instance.trainees or (weights.distinct_teacher == 0 and weights.teaching_session == 0):
            return
        taught: dict[str, list[tuple[str, int, cp_model.IntVar]]] = defaultdict(list)  # trainee -> (teacher, day, x)
        trainees = {r.id: r for r in prep.instance.trainees}
        for cand, var in self.x.items():
            for r in prep.demands[cand.demand].teaches:
                if not trainees[r].is_off(prep.dates[cand.day], prep.period_ids[cand.period]):
                    taught[r].append((cand.specialist, cand.day, var))
        if weights.distinct_teacher > 0:
            teachers = []
            for r, sessions in taught.items():
                by_teacher: dict[str, list[cp_model.IntVar]] = defaultdict(list)
                for spec, _t, var in sessions:
                    by_teacher[spec].append(var)
                for spec, vars_ in sorted(by_teacher.items()):
                    z = self.model.new_bool_var(f"teaches[{spec},{r}]")
                    self.model.add_max_equality(z, vars_)
                    teachers.append(z)
            if teachers:
                self.terms["teaching_continuity"] = weights.distinct_teacher * cp_model.LinearExpr.sum(teachers)
        if weights.teaching_session > 0:
            short = []
            for trainee in prep.instance.trainees:
                for start in range(0, prep.n_days, MONTH_DAYS):
                    days = min(MONTH_DAYS, prep.n_days - start)
                    target = month_target(trainee.sessions_per_month, days)
                    if target == 0:
                        continue
                    held = [var for _s, t, var in taught[trainee.id] if start <= t < start + days]
                    gap = self.model.new_int_var(0, target, f"teaching_short[{trainee.id},{start}]")
                    self.model.add_max_equality(gap, [target - cp_model.LinearExpr.sum(held), 0])
                    short.append(gap)
            if short:
                self.terms["teaching_target"] = weights.teaching_session * cp_model.LinearExpr.sum(short)
