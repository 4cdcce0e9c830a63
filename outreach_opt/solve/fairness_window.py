"""The fairness window: once a roster is known, bound the total burden `T` and cut the LP.

Why: the `fairness_deviation` term `D_s = |n B_s - T|` is convex in the continuous burdens,
so the LP lets every specialist whose burden is between two levels (`B_s = f_s b_s`, `b_s`
integer points) sit on the mean at no cost, mixing rosters whose totals lie a whole level
apart. At 20 specialists that alone left CP-SAT's root bound 3 % below the optimum, which its
two workers did not close in 20 s (benchmarks/RESULTS-speed.md, "S proof"). A cut that knows
the integer levels must know where `T` is; nothing but cost keeps `T` in a narrow range (an
uncovered session is allowed, at a price), so the range comes from a roster already found:

1. `T`'s window: the least and the largest `T` of the model's LP relaxation with the
   objective at most the roster's cost `UB` (two LPs, GLOP). Every roster costing at most
   `UB`, every optimal roster among them, has its `T` in the window.
2. Per sharer, two planes (`planes`): the convex envelope of `|n f b - T|` over integer `b`
   with `T` in the window, the chord between the two levels around `T / (n f)`.
3. With the planes the LP is higher, so the window narrows again (`ROUNDS`).
4. Each window's ends are moved inward to multiples of `g`, the gcd of the sharers' factors:
   every roster's `T = Σ f_s b_s` (history's points included) is one (`Window.step`).

The window and the planes go into the model as constraints; the search restarts from the
roster (`solve._Run`). They remove only rosters costing more than `UB`, so the optimum and
every optimal roster stay, and CP-SAT's bound for the narrowed model is one of the instance.
Proofs in models/MODEL.md ("Strengthening", `fairness_window`).
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass

from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.sat.python import cp_model

logger = logging.getLogger(__name__)

ROUNDS = 2
"""Window, planes, window again: at 20 specialists (seed 1, the optimum 43544 as `UB`) the
first window is [3528, 3688], the second [3608, 3656] (the optimal roster's total is 3625)."""
MARGIN = 1e-6
"""Relative slack for GLOP's tolerances: the window is widened by it (and by one unit), the
objective row loosened by it, so a roster on the window's edge is never cut off."""
LP_SECONDS = 5.0
"""At most this per LP (four per window); `narrow` is given less when less is left."""


@dataclass(frozen=True)
class Sharer:
    """One term of `fairness_deviation`: `deviation = |n * burden - total|`, `burden = factor * b`."""

    factor: int
    burden: cp_model.IntVar
    deviation: cp_model.IntVar
    specialist: str
    """Whose burden (solve/lns_focus.py draws the heaviest for its neighbourhoods)."""


@dataclass(frozen=True)
class Fairness:
    """What the builder made for `fairness_deviation` (sharing_rules.py)."""

    total: cp_model.IntVar
    sharers: list[Sharer]


Plane = tuple[int, int, int, int]
"""(coefficient of deviation, of total, of burden, right-hand side): `a D + c T + e B >= rhs`."""


def planes(n: int, factor: int, lo: int, hi: int) -> list[Plane]:
    """The planes of one sharer valid for every integer level `b` when `lo <= T <= hi`.

    With `A = n f k`, `B = n f (k + 1)`, `theta` in `[A, B]` and `c = A + B - 2 theta`:
    for `T <= theta`, `D >= (T - A) + (b - k) c`; for `T >= theta`, `D >= (B - T) - (k + 1 - b) c`
    (MODEL.md proves both). `theta = hi` with `hi` in `(A, B]` gives the first, `theta = lo` with
    `lo` in `[A, B)` the second; at a level's own value each is the plain `|.|`, so it is left
    out. Written in `B_s = f b`, times `f` to stay integral."""
    nf = n * factor
    out: list[Plane] = []
    k = -(-hi // nf) - 1  # hi in (A, B]
    low, high = nf * k, nf * (k + 1)
    if hi < high:
        c = low + high - 2 * hi  # f D - f T - c B_s >= -f A - c k f
        out.append((factor, -factor, -c, -factor * low - c * k * factor))
    k = lo // nf  # lo in [A, B)
    low, high = nf * k, nf * (k + 1)
    if lo > low:
        c = low + high - 2 * lo  # f D + f T - c B_s >= f B - c (k + 1) f
        out.append((factor, factor, -c, factor * high - c * (k + 1) * factor))
    return out


class Window:
    """The model's LP relaxation, translated once; `narrow(ub)` gives `T`'s window for rosters
    costing at most `ub`, `apply` adds it and its planes to the model."""

    def __init__(self, model: cp_model.CpModel, fairness: Fairness) -> None:
        self.model, self.fairness = model, fairness
        self.lp = _relaxation(model.proto)
        self.domain = _domain(model.proto.variables[fairness.total.index].domain)
        self.lo, self.hi = self.domain
        self.step = functools.reduce(math.gcd, (s.factor for s in fairness.sharers), 0) or 1
        """Every roster's `T` is a multiple of it: each burden is `f_s` times its integer points
        (`sharing_rules._fairness_terms`, history's `f_s · points` included)."""

    def _planes(self, lo: int, hi: int) -> list[tuple[Sharer, Plane]]:
        n = len(self.fairness.sharers)
        return [(s, p) for s in self.fairness.sharers for p in planes(n, s.factor, lo, hi)]

    def narrow(self, ub: int, seconds: float = 4 * LP_SECONDS) -> tuple[int, int] | None:
        """`T`'s window for rosters costing at most `ub` (within the current one), or None when
        an LP is not solved to optimality (infeasible within GLOP's tolerances, or out of
        time): the caller then keeps the model as it is, which is always valid."""
        objective = self.model.proto.objective
        if objective.scaling_factor not in (0, 1) or not len(objective.vars):
            return None
        lp = linear_solver_pb2.MPModelProto()
        lp.CopyFrom(self.lp)
        row = lp.constraint.add()
        row.lower_bound = -math.inf
        row.upper_bound = ub - objective.offset + MARGIN * max(1, abs(ub))
        row.var_index.extend(objective.vars)
        row.coefficient.extend(float(c) for c in objective.coeffs)
        lp.variable[self.fairness.total.index].objective_coefficient = 1.0
        solver = pywraplp.Solver.CreateSolver("GLOP")
        solver.SetTimeLimit(max(1, int(1000 * min(LP_SECONDS, seconds / (2 * ROUNDS)))))
        solver.LoadModelFromProto(lp)
        columns = solver.variables()
        total = columns[self.fairness.total.index]
        lo, hi = self.lo, self.hi
        for _ in range(ROUNDS):  # the same solver throughout: GLOP starts from its last basis
            total.SetBounds(lo, hi)
            for sharer, (a, c, e, rhs) in self._planes(lo, hi):
                plane = solver.Constraint(rhs, solver.infinity())
                plane.SetCoefficient(columns[sharer.deviation.index], a)
                plane.SetCoefficient(total, c)
                plane.SetCoefficient(columns[sharer.burden.index], e)
            solver.Objective().SetMinimization()
            least = _solved(solver)
            solver.Objective().SetMaximization()
            most = _solved(solver)
            if least is None or most is None:
                return None
            slack = 1 + MARGIN * max(abs(least), abs(most))
            lo, hi = max(lo, math.floor(least - slack)), min(hi, math.ceil(most + slack))
            lo, hi = -(-lo // self.step) * self.step, hi // self.step * self.step  # T's lattice
            if lo > hi:  # no multiple left: only GLOP's tolerances can say so (the roster is in it)
                return None
        return lo, hi

    def apply(self, lo: int, hi: int) -> None:
        """Add `lo <= T <= hi` and its planes to the model; the window only narrows, so the
        planes of earlier windows stay valid."""
        total = self.fairness.total
        self.model.add(total >= lo)
        self.model.add(total <= hi)
        for sharer, (a, c, e, rhs) in self._planes(lo, hi):
            self.model.add(a * sharer.deviation + c * total + e * sharer.burden >= rhs)
        self.lo, self.hi = lo, hi


def _domain(domain: object) -> tuple[int, int]:
    values = list(domain)  # type: ignore[call-overload]
    return int(values[0]), int(values[-1])


def _solved(solver: pywraplp.Solver) -> float | None:
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return float(solver.Objective().Value())


_INFINITE = 2**62


def _relaxation(proto: object) -> linear_solver_pb2.MPModelProto:
    """A linear relaxation of the CP-SAT model: every variable within its domain's hull;
    linear rows as they are (within their domain's hull), Boolean clauses as sums, `lin_max`
    as `target >= each expression`; enforced constraints and every other kind are dropped.
    Each roster's values satisfy every row, so each roster is a point of it."""
    lp = linear_solver_pb2.MPModelProto()
    for var in proto.variables:  # type: ignore[attr-defined]
        low, high = _domain(var.domain)
        column = lp.variable.add()
        column.lower_bound, column.upper_bound = low, high

    def add(low: float, high: float, index: list[int], coeff: list[float]) -> None:
        merged: dict[int, float] = {}
        for i, c in zip(index, coeff, strict=True):  # a variable once per row
            merged[i] = merged.get(i, 0.0) + c
        row = lp.constraint.add()
        row.lower_bound, row.upper_bound = low, high
        row.var_index.extend(merged)
        row.coefficient.extend(merged.values())

    for ct in proto.constraints:  # type: ignore[attr-defined]
        if len(ct.enforcement_literal):
            continue
        if ct.has_linear():
            if any(v < 0 for v in ct.linear.vars):
                continue
            low, high = _domain(ct.linear.domain)
            add(
                -math.inf if low <= -_INFINITE else low,
                math.inf if high >= _INFINITE else high,
                list(ct.linear.vars),
                [float(c) for c in ct.linear.coeffs],
            )
        elif ct.has_bool_or() or ct.has_at_most_one() or ct.has_exactly_one():
            kind = "bool_or" if ct.has_bool_or() else "at_most_one" if ct.has_at_most_one() else "exactly_one"
            literals = list(getattr(ct, kind).literals)
            index = [lit if lit >= 0 else -lit - 1 for lit in literals]
            coeff = [1.0 if lit >= 0 else -1.0 for lit in literals]
            negated = sum(1 for lit in literals if lit < 0)  # NOT x = 1 - x
            add(
                -math.inf if kind == "at_most_one" else 1 - negated,
                math.inf if kind == "bool_or" else 1 - negated,
                index,
                coeff,
            )
        elif ct.has_lin_max():
            target = ct.lin_max.target
            if any(v < 0 for v in target.vars):
                continue
            for expr in ct.lin_max.exprs:  # target >= expr
                if any(v < 0 for v in expr.vars):
                    continue
                add(
                    float(expr.offset - target.offset),
                    math.inf,
                    [*target.vars, *expr.vars],
                    [*(float(c) for c in target.coeffs), *(-float(c) for c in expr.coeffs)],
                )
    return lp
