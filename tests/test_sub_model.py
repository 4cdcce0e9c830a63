"""Neighbourhoods as sub-models of only what is free (solve/sub_model.py): every vector a
sub-model's solution is written into satisfies the WHOLE model (checked by CP-SAT on the
whole model with every variable fixed to it, and by the independent checker at the same
cost); folding fixed values into each constraint kind keeps exactly the solutions the whole
model has with those values; the index never changes the model it reads."""

from __future__ import annotations

import itertools
import random
import tempfile
from pathlib import Path

import numpy as np
import pytest
from ortools.sat.python import cp_model
from support import EXAMPLE, INSTANCES
from test_lns import _any_roster

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.prepared import prepare
from outreach_opt.io.load import load_instance
from outreach_opt.solve import lns
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.lns import Found, Neighbourhoods, Search
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import Status, read_roster
from outreach_opt.solve.sub_model import Solution, SubModels, Terms, values_of


def _one_worker(limit: float) -> cp_model.CpSolver:
    return configured_solver(SolveOptions(workers=1), remaining=limit)


def _whole_model_holds(model: cp_model.CpModel, values: list[int]) -> bool:
    """CP-SAT on the whole model with every variable fixed to `values` (as a hint fixed by
    `fix_variables_to_their_hinted_value`: infeasible unless `values` satisfy it all)."""
    fixed = model.clone()
    fixed.clear_hints()
    fixed.proto.solution_hint.vars.extend(range(len(values)))
    fixed.proto.solution_hint.values.extend(values)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.fix_variables_to_their_hinted_value = True
    return solver.solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize("path", [EXAMPLE, INSTANCES / "anzhen-cardiology-4weeks.yaml"])
def test_every_written_back_roster_satisfies_the_whole_model(path: object) -> None:
    """Random neighbourhoods of every kind (and one of nothing) around a poor roster, on the
    example and on the four-week sample, whose `fairness_deviation` ties every sharer together
    through the total burden: each sub-model's solution, written back, is a roster of the
    whole model, at the cost the checker finds, with the sub-model's objective the whole
    model's; units outside the neighbourhood keep their values."""
    inst = load_instance(str(path))
    built = RosterModel(prepare(inst)).build()
    assert path == EXAMPLE or built.fairness is not None
    search = Search(built, _one_worker, seed=2)
    models = search._sub_model()
    assert models is not None
    found = Found(_any_roster(built), 0)
    found.objective = search.cost(found.solver)
    hoods = Neighbourhoods(sorted({s for s, _ in search.units}), built.prep.n_days, random.Random(5))
    frees = [hoods.next(search.short(found.solver))[1] for _ in range(6)] + [set()]
    for free in frees:
        before = values_of(found.solver)
        solver, _closed = search._solve(found, free, 3.0)
        assert isinstance(solver, Solution)
        values = solver.full
        assert _whole_model_holds(built.model, values.tolist())
        for key, indices in search.units.items():
            if key not in free:
                assert (values[indices] == before[indices]).all(), key
        cost = search.cost(solver)
        assert solver.objective_value == models.objective_value(values) == sum(lns.breakdown(built, solver).values())
        report = check_roster(inst, read_roster(built, solver, Status.FEASIBLE, cost, 0))
        assert report.violations == []
        assert report.objective == cost <= found.objective
        found = Found(solver, cost)


@pytest.mark.parametrize("path", [EXAMPLE, INSTANCES / "anzhen-cardiology-4weeks.yaml"])
def test_flat_terms_read_what_cp_sat_reads(path: object) -> None:
    """`Terms` (each objective term flattened once) gives every term the value CP-SAT's own
    `value` gives it on a roster, and a constant term its constant."""
    built = RosterModel(prepare(load_instance(str(path)))).build()
    solver = _any_roster(built)
    read = Terms({**built.terms, "constant": 7}).read(values_of(solver))
    assert read.pop("constant") == 7
    assert read == {name: solver.value(expr) for name, expr in built.terms.items()}
    assert any(read.values())
    assert path == EXAMPLE or "fairness_deviation" in read  # the term summed over every sharer


def test_every_auxiliary_kept_reaches_what_the_narrowed_copy_reaches_with_nothing_free() -> None:
    """A roster found regardless of cost leaves auxiliaries above their cheapest; a narrowed
    copy with no unit free lowers them all, and so does the sub-model that keeps every
    auxiliary (the first step of `improve`), to the same cost: both close."""
    built = RosterModel(prepare(load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml")))).build()
    start = _any_roster(built)
    search = Search(built, _one_worker, seed=0)
    found = Found(start, search.cost(start))
    settled, closed = search._solve(found, set(), 10.0, auxiliaries=True)
    assert isinstance(settled, Solution) and closed
    assert _whole_model_holds(built.model, settled.full.tolist())
    narrowed, closed = search._solve_narrowed(found, set(), 10.0)
    assert narrowed is not None and closed
    assert search.cost(settled) == search.cost(narrowed) <= found.objective
    # Here every auxiliary follows from the units (the cost does not move); one that does
    # not, a penalty above a fixed unit's value, is lowered only when it is kept:
    model = cp_model.CpModel()
    unit, penalty = model.new_bool_var("unit"), model.new_int_var(0, 3, "penalty")
    model.add(penalty >= unit)
    model.minimize(penalty)
    models = SubModels.for_model(model.proto, [0])
    assert models is not None
    roster = np.array([0, 2], dtype=np.int64)
    assert len(models.cut(roster, [])[1]) == 0
    sub, kept = models.cut(roster, [1])
    solver = cp_model.CpSolver()
    assert (
        solver.solve(sub) == cp_model.OPTIMAL
        and kept.tolist() == [1]
        and solver.value(sub.get_int_var_from_proto_index(0)) == 0
    )


def test_the_sub_model_holds_only_what_the_free_units_reach() -> None:
    """Nothing free: an empty model. One specialist-day free: its own variables and
    auxiliaries only, never another unit's variables."""
    built = RosterModel(prepare(load_instance(str(EXAMPLE)))).build()
    search = Search(built, _one_worker, seed=0)
    models = search._sub_model()
    assert models is not None
    values = values_of(_any_roster(built))
    empty, kept = models.cut(values, [])
    assert len(empty.proto.variables) == 0 == len(kept)
    key = sorted(search.units)[0]
    sub, kept = models.cut(values, search.units[key])
    others = {i for k, indices in search.units.items() if k != key for i in indices}
    assert set(search.units[key]) <= set(kept.tolist())
    assert not others & set(kept.tolist())
    assert len(sub.proto.variables) < len(built.model.proto.variables)


def test_indexing_leaves_the_model_as_it_was() -> None:
    """The C++ proto's accessors are the mutable ones: reading `linear` of an at_most_one makes
    it a linear constraint. The index reads only what each constraint holds."""
    built = RosterModel(prepare(load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml")))).build()
    before = str(built.model.proto)
    search = Search(built, _one_worker, seed=0)
    assert search._sub_model() is not None
    assert str(built.model.proto) == before


def _small_model() -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """Every kind the builder writes, with enforcement literals, over six Booleans (the
    units) and four integers (auxiliaries, one of them defined by units alone)."""
    model = cp_model.CpModel()
    b = [model.new_bool_var(f"b{i}") for i in range(6)]
    n = model.new_int_var(0, 6, "n")
    m = model.new_int_var(-3, 3, "m")
    model.add(sum(b) + n == 6)
    model.add(2 * b[0] - b[3] + m <= 1).only_enforce_if(b[5])
    model.add_bool_or([b[0], ~b[1], b[2]])
    model.add_bool_and([b[1], ~b[4]]).only_enforce_if([b[2], b[5]])
    model.add_at_most_one([b[0], b[2], ~b[3]])
    model.add_exactly_one([b[1], b[4], ~b[5]])
    model.add_at_most_one([b[1], b[2]]).only_enforce_if([b[0], ~b[4]])
    model.add_max_equality(m, [b[0] - b[1], 2 * b[2] - 1, -n])
    a = model.new_int_var(0, 4, "a")
    model.add_abs_equality(a, m - b[4])
    c = model.new_int_var(0, 2, "c")  # follows from b3 and b4 alone: dropped while both are fixed
    model.add(c == b[3] + b[4])
    model.add(c + n <= 7)
    model.minimize(n + 3 * b[1] - 2 * m + a + c)
    return model, [*b, n, m, a, c]


def _solutions(model: cp_model.CpModel) -> list[tuple[int, ...]]:
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.cp_model_presolve = False
    solver.parameters.num_workers = 1
    found: list[tuple[int, ...]] = []

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.append(tuple(self.value(v) for v in model_vars))

    plain = model.clone()
    model_vars = [plain.get_int_var_from_proto_index(i) for i in range(len(plain.proto.variables))]
    plain.clear_objective()
    solver.solve(plain, Collect())
    return found


def test_folding_keeps_exactly_the_whole_models_solutions() -> None:
    """For every way to free some of the six Booleans around each solution of the small
    model (the rest fixed to it): the sub-model's solutions, written back, are exactly the
    whole model's solutions with those Booleans fixed and every auxiliary not reached (or
    determined by fixed Booleans alone) at the roster's value."""
    model, _ = _small_model()
    whole = _solutions(model)
    assert len(whole) > 3
    models = SubModels.for_model(model.proto, range(6))
    assert models is not None
    determined = 0  # cuts that keep n (c's way in) but not c: both of c's units fixed
    for roster in whole:
        values = np.array(roster, dtype=np.int64)
        for size in (0, 1, 2, 3):
            for free in itertools.combinations(range(6), size):
                sub, kept = models.cut(values, list(free))
                written = set()
                for solution in _solutions(sub) if len(kept) else [()]:
                    full = values.copy()
                    full[kept] = solution
                    written.add(tuple(full.tolist()))
                fixed = [i for i in range(len(roster)) if i not in set(kept.tolist())]
                determined += 6 in kept and 9 not in kept
                expected = {s for s in whole if all(s[i] == roster[i] for i in fixed)}
                assert written == expected, (roster, free)
                if sub.proto.objective.vars:
                    solver = cp_model.CpSolver()
                    solver.parameters.num_workers = 1
                    assert solver.solve(sub) == cp_model.OPTIMAL
                    full = values.copy()
                    full[kept] = solver.response_proto.solution
                    assert solver.objective_value == models.objective_value(full)
    assert determined > 0


def test_only_an_equality_that_fixes_an_auxiliary_defines_it() -> None:
    """An auxiliary is left fixed (`SubModels.defining`) only by an unenforced equality in
    which it is the one non-unit variable, with a coefficient that is not zero."""
    model = cp_model.CpModel()
    b = [model.new_bool_var(f"b{i}") for i in range(2)]
    aux = [model.new_int_var(0, 2, f"a{i}") for i in range(5)]
    model.add(aux[0] == b[0] + b[1])  # defines a0
    model.add(aux[1] <= b[0] + b[1])  # not an equality
    model.add(aux[2] == b[0] + aux[3])  # two auxiliaries
    model.add(aux[4] == b[0]).only_enforce_if(b[1])  # enforced
    zero = model.proto.constraints.add().linear  # a4 with coefficient 0: held by b0 alone
    zero.vars.extend([aux[4].index, b[0].index])
    zero.coeffs.extend([0, 1])
    zero.domain.extend([1, 1])
    models = SubModels.for_model(model.proto, [0, 1])
    assert models is not None
    assert models.defining[2:].tolist() == [0, -1, -1, -1, -1]


def test_a_model_that_cannot_be_exported_is_narrowed_instead(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With no temporary folder to export the model through, there is no index (no crash),
    and the neighbourhoods narrow the whole model, whose rosters still hold."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    built = RosterModel(prepare(load_instance(str(EXAMPLE)))).build()
    search = Search(built, _one_worker, seed=0)
    assert search._sub_model() is None
    start = _any_roster(built)
    solver, _closed = search._solve(Found(start, search.cost(start)), set(sorted(search.units)[:3]), 3.0)
    assert solver is not None and not isinstance(solver, Solution)
    assert _whole_model_holds(built.model, list(solver.response_proto.solution))


def test_a_model_with_another_constraint_kind_is_narrowed_instead() -> None:
    """A kind the sub-model does not fold (here a product): no index, and the neighbourhoods
    fall back to the whole model narrowed, whose rosters still hold."""
    model, v = _small_model()
    model.add_multiplication_equality(v[6], [v[0], v[6]])
    assert SubModels.for_model(model.proto, range(6)) is None
    built = RosterModel(prepare(load_instance(str(EXAMPLE)))).build()
    w = built.model.new_int_var(0, 2, "w")
    built.model.add_multiplication_equality(built.model.new_int_var(0, 4, "z"), [w, w])
    search = Search(built, _one_worker, seed=0)
    assert search._sub_model() is None
    start = _any_roster(built)
    free = set(sorted(search.units)[:3])
    solver, _closed = search._solve(Found(start, search.cost(start)), free, 3.0)
    assert solver is not None and not isinstance(solver, Solution)
    assert _whole_model_holds(built.model, list(solver.response_proto.solution))
