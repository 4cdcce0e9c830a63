"""Rule `pins`: sessions and nights away that must stay as they are (instance `pins` and
`pinned_stays`, or `solve --pin ROSTER`).

A pin names a specialist, a date, a period and a demand; its session variable is fixed to 1.
A pin that no session variable can carry (the specialist lacks the demand's skills, is on
leave or committed then, or the demand does not take that day or period) makes the model
infeasible on purpose, and in explain mode the group ("pins", (index,)) says so. A pinned
stay fixes its night variable `n_{s,t,a}` to 1 (built by `_add_overnight_stay`, before this
rule); none exists when rule `overnight_stay` cannot allow that night (a site without
`overnight`, home, no work on one of the two days): infeasible, group ("pins", (index, "night")).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from outreach_opt.solve.model_parts import ModelParts
from outreach_opt.solve.stay_rules import Night


class PinRules(ModelParts):
    nights: dict[Night, cp_model.IntVar]

    def _add_pins(self) -> None:
        """Rule `pins`: `x_c = 1` for each pinned candidate; no candidate, no roster."""
        self._add_pinned_stays()
        pins = self.prep.instance.pins
        if not pins:
            return
        date_index = self.prep.date_index
        pidx = self.prep.period_index
        session: dict[tuple[str, str, int, int], list[cp_model.IntVar]] = {}
        for c, var in self.x.items():  # a team demand has one candidate per role the pinned can fill
            session.setdefault((c.specialist, c.demand, c.day, c.period), []).append(var)
        for i, pin in enumerate(pins):
            vars_ = session.get((pin.specialist, pin.demand, date_index[pin.date], pidx[pin.period]))
            if vars_ is None:
                self._hard(self.model.add_bool_or([]), "pins", (i,))
            else:
                self._hard(self.model.add(cp_model.LinearExpr.sum(vars_) == 1), "pins", (i,))

    def _add_pinned_stays(self) -> None:
        """`n_{s,t,a} = 1` for each pinned stay; no such night variable, no roster."""
        date_index = self.prep.date_index
        for i, pin in enumerate(self.prep.instance.pinned_stays):
            night = self.nights.get((pin.specialist, date_index.get(pin.night, -1), pin.site))
            if night is None:
                self._hard(self.model.add_bool_or([]), "pins", (i, "night"))
            else:
                self._hard(self.model.add(night == 1), "pins", (i, "night"))
