"""Teaching: the terms `teaching_continuity` (distinct teachers per trainee) and
`teaching_target` (teaching sessions short of a trainee's monthly target).

A session of a demand that `teaches` a trainee teaches them only when they are available
then; those sessions are known per candidate, so both terms are linear with exact auxiliaries
(max), never only bounded. Every member of a team session is a teacher (continuity, on `x`);
the session counts once towards the target (on `demand_sessions`: `held` for a team). The
checker's side is check/teaching.py.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from outreach_opt.solve.model_parts import ModelParts


class TeachingRules(ModelParts):
    def add_teaching_terms(self) -> None:
        """Terms `teaching_continuity` and `teaching_target`, each only when weighted."""
        prep = self.prep
        weights = prep.instance.weights
        if not prep.instance.trainees or (weights.distinct_teacher == 0 and weights.teaching_session == 0):
            return
        trainees = {r.id: r for r in prep.instance.trainees}

        def present(r: str, t: int, p: int) -> bool:
            return not trainees[r].is_off(prep.dates[t], prep.period_ids[p])

        taught: dict[str, list[tuple[str, int, cp_model.IntVar]]] = defaultdict(list)  # trainee -> (teacher, day, x)
        for cand, var in self.x.items():  # every member of a team teaches
            for r in prep.demands[cand.demand].teaches:
                if present(r, cand.day, cand.period):
                    taught[r].append((cand.specialist, cand.day, var))
        held: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)  # a team session counts once
        for demand, t, p, _site, var in self.demand_sessions():
            for r in prep.demands[demand].teaches:
                if present(r, t, p):
                    held[r].append((t, var))
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
                for start, days, target in trainee.target_blocks(prep.n_days):
                    if target == 0:
                        continue
                    given = [var for t, var in held[trainee.id] if start <= t < start + days]
                    gap = self.model.new_int_var(0, target, f"teaching_short[{trainee.id},{start}]")
                    self.model.add_max_equality(gap, [target - cp_model.LinearExpr.sum(given), 0])
                    short.append(gap)
            if short:
                self.terms["teaching_target"] = weights.teaching_session * cp_model.LinearExpr.sum(short)
