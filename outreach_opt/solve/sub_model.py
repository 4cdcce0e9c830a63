"""A neighbourhood as a small CP-SAT model of only what is free (solve/lns.py).

Why: a neighbourhood solved as a copy of the whole model with the fixed units' domains
narrowed makes CP-SAT presolve and load every variable at each step. On the benchmark's M-3
(80 specialists x 15 sites, 92k variables) that took 0.2-0.3 s of each 1 s step with nothing
free at all, 0.4 s with one specialist's week free; most steps ended open.

What the sub-model holds: the free units' variables, and every auxiliary (non-unit) variable
connected to them by a constraint, transitively through auxiliaries, never through a fixed
unit's variables (`SubModels.reach`), nor through an auxiliary that an equality defines from
fixed units alone (`SubModels.defining`: a sharer's burden, when none of their days is free).
Every other variable keeps the roster's value: a fixed unit's enters each kept constraint as
a constant; so does such a determined auxiliary, whose value its defining equality forces in
every solution; an auxiliary not reached is in no constraint with a kept variable, so every
constraint it is in holds fixed values only and holds as it did in the roster. The kept
constraints are those that mention a kept variable, with the fixed values folded in
(`_Writer`: a linear constraint's fixed terms move into its bounds; a Boolean one drops its
false literals and holds already with a true one, or has its others forced false for an
at-most-one; a false enforcement literal drops the constraint, a true one is left out of it;
`lin_max` takes the constants into its expressions' offsets). The objective keeps the kept
variables' terms and folds the rest into its offset, so the sub-model's objective value is
the whole model's. The solution is written over the roster's full value vector (`Solution`),
on which every rule and objective term is then read as on any roster of the whole model.

Only the constraint kinds the builder writes are folded (`FOLDED`); a model with any other
kind, a floating-point objective, a search strategy or assumptions is not cut at all
(`SubModels.for_model` returns None) and the neighbourhoods narrow a whole copy as before.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model, cp_model_helper

logger = logging.getLogger(__name__)

Ints = NDArray[np.int64]
Proto = cp_model_helper.CpModelProto

LITERALS = ("bool_or", "bool_and", "at_most_one", "exactly_one")
FOLDED = ("linear", "lin_max", *LITERALS)
"""Constraint kinds a sub-model folds constants into: every kind the builder writes."""
INFINITE = 2**62
"""A domain bound this far out stands for 'unbounded' and is not shifted by constants."""


class Solution(cp_model.CpSolver):
    """A value for every variable of the whole model, read as a solver's last response is
    (`value`, `boolean_value`, `response_proto`, `objective_value`: what `lns.breakdown`,
    `read_roster` and the search read). A subclass so that every caller typed for the solver
    holding a roster takes one from a sub-model unchanged; anything else of a solver's (its
    statistics, its status) raises, as on a solver that has not solved."""

    def __init__(self, values: Ints, objective_value: float) -> None:
        super().__init__()
        self.full = values
        self._objective_value = objective_value
        self._response = cp_model_helper.CpSolverResponse()
        self._response.solution.extend(values.tolist())
        self._response.objective_value = objective_value

    def value(self, expression: cp_model.LinearExprT) -> int:
        return cp_model_helper.ResponseHelper.value(self._response, expression)

    def boolean_value(self, literal: cp_model.LiteralT) -> bool:
        return cp_model_helper.ResponseHelper.boolean_value(self._response, literal)

    @property
    def response_proto(self) -> cp_model_helper.CpSolverResponse:
        return self._response

    @property
    def objective_value(self) -> float:
        return self._objective_value


def values_of(solver: cp_model.CpSolver) -> Ints:
    """The whole model's values a solver (or a `Solution`) holds."""
    if isinstance(solver, Solution):
        return solver.full
    return np.asarray(solver.response_proto.solution, dtype=np.int64)


def _variables(refs: Ints) -> Ints:
    """The variables of literals (the reference -v-1 is the negation of v)."""
    return np.where(refs >= 0, refs, -refs - 1)


class Terms:
    """Objective terms as flat arrays, read from a value vector with one product each.

    Why: `CpSolver.value` flattens a term's expression tree at every call; at XL (1000
    specialists, 4 weeks) pricing each neighbourhood's roster that way took 23 s of a 300 s
    solve (py-spy). The terms are flattened once here.
    """

    def __init__(self, terms: dict[str, cp_model.LinearExprT]) -> None:
        self.flat: dict[str, tuple[Ints, Ints, int]] = {}
        for name, expr in terms.items():
            if not isinstance(expr, cp_model_helper.LinearExpr):  # a constant (an empty sum)
                self.flat[name] = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), int(expr))
                continue
            flat = cp_model_helper.FlatIntExpr(expr)
            if not flat.ok:
                raise ValueError(f"objective term {name!r} is not an integer expression")
            indices = np.array([var.index for var in flat.vars], dtype=np.int64)
            self.flat[name] = (indices, np.array(flat.coeffs, dtype=np.int64), int(flat.offset))

    def read(self, values: Ints) -> dict[str, int]:
        """Each term's value on the whole model's values."""
        return {name: int(coeffs @ values[indices]) + offset for name, (indices, coeffs, offset) in self.flat.items()}


class _Rows:
    """Rows of integers in one flat array (a row per constraint or per variable)."""

    def __init__(self, rows: Sequence[Sequence[int]]) -> None:
        counts = np.array([len(row) for row in rows], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(self.starts[-1]))

    @classmethod
    def inverted(cls, rows: _Rows, n: int) -> _Rows:
        """For each of `n` values, the rows it is in."""
        inverse = cls([])
        owner = np.repeat(np.arange(len(rows.starts) - 1, dtype=np.int64), np.diff(rows.starts))
        order = np.argsort(rows.flat, kind="stable")
        inverse.flat = owner[order]
        inverse.starts = np.searchsorted(rows.flat[order], np.arange(n + 1)).astype(np.int64)
        return inverse

    def gather(self, rows: Ints) -> tuple[Ints, Ints]:
        """The entries of `rows` one after another, and how many each row has."""
        counts = self.starts[rows + 1] - self.starts[rows]
        first = np.cumsum(counts) - counts
        at = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(first - self.starts[rows], counts)
        return self.flat[at], counts


def _parsed(proto: Proto) -> cp_model_pb2.CpModelProto:
    """The model as protobuf's own message, read from CP-SAT's binary export of it.

    Why: the model lives in C++ behind accessors that cost microseconds each; reading every
    constraint through them took 22 s of an XL solve (215,722 constraints) and 1.3 CPU s at L
    (16,752), while writing the binary form and parsing it with protobuf takes hundredths of a
    second and its fields read several times faster (figures in models/NEIGHBOURHOODS.md, 'Sub-models').
    The wrapper offers no serialisation in memory, so the export goes through a file.
    """
    with tempfile.TemporaryDirectory(prefix="outreach-opt-") as folder:
        path = Path(folder) / "model.pb"
        if not cp_model_helper.CpSatHelper.write_model_to_file(proto, str(path)):
            raise OSError(f"CP-SAT could not write the model to {path}")
        return cp_model_pb2.CpModelProto.FromString(path.read_bytes())


class SubModels:
    """A whole model indexed once to cut neighbourhoods out of: each linear constraint's
    terms in flat arrays (their constants are folded for every kept constraint at once),
    the other constraints as lists, and the constraints each variable is in."""

    def __init__(self, proto: Proto, units: Iterable[int]) -> None:
        self.proto = proto
        self.n = len(proto.variables)
        self.n_constraints = len(proto.constraints)
        self.is_unit = np.zeros(self.n, dtype=bool)
        self.is_unit[np.fromiter(units, dtype=np.int64)] = True
        self.foldable = True
        """False when a constraint is of a kind not folded (not in `FOLDED`): the index is then left unfinished."""
        self._domains: dict[int, list[int]] = {}
        """Each variable's domain once read (reading all 92k at M took 0.8 s)."""
        self.enforcement: list[list[int]] = []
        self.kind: list[str] = []
        terms: list[list[int]] = []
        coeffs: list[list[int]] = []
        mentions: list[list[int]] = []
        self.bounds: list[list[int]] = []
        self.literals: dict[int, list[int]] = {}
        self.defining = np.full(self.n, -1, dtype=np.int64)
        """For an auxiliary, an equality (not enforced) whose other variables are all units: its
        value follows from theirs (`reach`); -1 for the rest."""
        self.exprs: dict[int, list[tuple[Ints, Ints, int]]] = {}
        for k, c in enumerate(_parsed(proto).constraints):
            enforcement = list(c.enforcement_literal)
            self.enforcement.append(enforcement)
            kind = c.WhichOneof("constraint")
            if kind not in FOLDED:  # any other kind, or one this OR-Tools version adds: never dropped as empty
                self.foldable = False
                return
            self.kind.append(kind)
            lin_vars: list[int] = []
            lin_coeffs: list[int] = []
            bounds: list[int] = []
            refs: list[int] = []
            if kind == "linear":
                lin = c.linear
                refs = lin_vars = list(lin.vars)
                lin_coeffs, bounds = list(lin.coeffs), list(lin.domain)
            elif kind == "lin_max":
                exprs = [c.lin_max.target, *c.lin_max.exprs]
                self.exprs[k] = [
                    (np.array(e.vars, dtype=np.int64), np.array(e.coeffs, dtype=np.int64), int(e.offset)) for e in exprs
                ]
                refs = [v for e in exprs for v in e.vars]
            else:
                refs = self.literals[k] = list(getattr(c, kind).literals)
            if kind == "linear" and not enforcement and len(bounds) == 2 and bounds[0] == bounds[1]:
                auxiliaries = [(v, a) for v, a in zip(lin_vars, lin_coeffs, strict=True) if not self.is_unit[v]]
                if len(auxiliaries) == 1 and len(lin_vars) > 1:
                    ((aux, coeff),) = auxiliaries
                    if coeff and self.defining[aux] < 0:  # a zero coefficient would not define it
                        self.defining[aux] = k
            terms.append(lin_vars)
            coeffs.append(lin_coeffs)
            self.bounds.append(bounds)
            plain = kind == "linear" and not enforcement  # variables already
            mentions.append(refs if plain else [r if r >= 0 else -r - 1 for r in enforcement + refs])
        self.terms = _Rows(terms)
        self.coeffs = _Rows(coeffs).flat
        self.linear = np.array([kind == "linear" for kind in self.kind], dtype=bool)
        self.mentions = _Rows(mentions)
        """Each constraint's variables (its enforcement literals' too), possibly repeated."""
        self.of_variable = _Rows.inverted(self.mentions, self.n)
        none = np.zeros(0, dtype=np.int64)
        self.objective, self.offset, self.scaling, self.objective_domain = (none, none), 0.0, 1.0, []
        if proto.has_objective():
            objective = proto.objective
            self.objective = (np.array(objective.vars, dtype=np.int64), np.array(objective.coeffs, dtype=np.int64))
            self.offset = float(objective.offset)
            self.scaling = float(objective.scaling_factor) or 1.0
            self.objective_domain = list(objective.domain)

    def domain(self, i: int) -> list[int]:
        if (domain := self._domains.get(i)) is None:
            domain = self._domains[i] = list(self.proto.variables[i].domain)
        return domain

    @classmethod
    def for_model(cls, proto: Proto, units: Iterable[int]) -> SubModels | None:
        """The index, or None when the model holds what a sub-model cannot fold (see the module)
        or cannot be read: the model is exported through a temporary file (`_parsed`), and a
        machine whose temporary folder cannot take it still gets its neighbourhoods, each a
        narrowed copy of the whole model."""
        if proto.has_floating_point_objective() or len(proto.search_strategy) or len(proto.assumptions):
            return None
        started = time.perf_counter()
        try:
            models = cls(proto, units)
        except OSError as error:
            logger.warning("sub-models: the model could not be exported to be indexed (%s); narrowing copies", error)
            return None
        logger.info("sub-models: %d constraints indexed in %.2fs", models.n_constraints, time.perf_counter() - started)
        return models if models.foldable else None

    def current(self) -> bool:
        """Still the model indexed (a constraint added since would be missed)."""
        return len(self.proto.constraints) == self.n_constraints and len(self.proto.variables) == self.n

    def reach(self, free: Sequence[int]) -> tuple[Ints, Ints]:
        """(the sub-model's variables, the constraints that mention them), both sorted: `free`
        and every auxiliary reached from it through constraints."""
        kept = np.zeros(self.n, dtype=bool)
        kept[np.asarray(free, dtype=np.int64)] = True
        touched = np.zeros(self.n_constraints, dtype=bool)
        frontier = np.flatnonzero(kept)
        while frontier.size:
            new = np.zeros(self.n_constraints, dtype=bool)
            new[self.of_variable.gather(frontier)[0]] = True
            new &= ~touched
            touched |= new
            reached = np.zeros(self.n, dtype=bool)
            reached[self.mentions.gather(np.flatnonzero(new))[0]] = True
            reached &= ~kept & ~self.is_unit
            reached[self._determined(np.flatnonzero(reached & (self.defining >= 0)), kept)] = False
            kept |= reached
            frontier = np.flatnonzero(reached)
        return np.flatnonzero(kept), np.flatnonzero(touched)

    def _determined(self, auxiliaries: Ints, kept: NDArray[np.bool_]) -> Ints:
        """Those of `auxiliaries` whose defining equality holds no kept variable: every unit in
        it is fixed, so the auxiliary's value is the roster's in every solution of the
        sub-model, and it stays a constant there like a fixed unit. Why: the fairness total
        reaches every sharer's burden, each defined by a row over all their day patterns; a
        neighbourhood of a few people kept and wrote every one of those rows."""
        vars_, counts = self.terms.gather(self.defining[auxiliaries])
        hits = np.concatenate([[0], np.cumsum(kept[vars_])])
        ends = np.cumsum(counts)
        return auxiliaries[hits[ends] == hits[ends - counts]]

    def cut(self, values: Ints, free: Sequence[int]) -> tuple[cp_model.CpModel, Ints]:
        """The sub-model of the variables `free` around the roster `values`, hinted with it,
        and its variables' indices in the whole model."""
        kept, cons = self.reach(free)
        model = cp_model.CpModel()
        proto = model.proto
        for i in kept.tolist():
            proto.variables.add().domain.extend(self.domain(i))
        writer = _Writer(self, values, kept, proto)
        writer.linear(cons[self.linear[cons]])
        for k in cons[~self.linear[cons]].tolist():
            writer.other(k)
        vars_, coeffs, constant = writer.fold(*self.objective)
        if vars_:
            objective = proto.objective
            objective.vars.extend(vars_)
            objective.coeffs.extend(coeffs)
            objective.offset = self.offset + constant
            objective.scaling_factor = self.scaling
            if self.objective_domain:
                objective.domain.extend(_shift(self.objective_domain, constant))
        proto.solution_hint.vars.extend(range(len(kept)))
        proto.solution_hint.values.extend(values[kept].tolist())
        return model, kept

    def objective_value(self, values: Ints) -> float:
        """The whole model's objective at `values`, as CP-SAT reports one."""
        vars_, coeffs = self.objective
        return self.scaling * (float(coeffs @ values[vars_]) + self.offset)


def _shift(domain: list[int], constant: int) -> list[int]:
    """`domain` for the expression without its constant part `constant`."""
    return [b if abs(b) >= INFINITE else b - constant for b in domain]


def _holds(domain: list[int], value: int) -> bool:
    return any(domain[k] <= value <= domain[k + 1] for k in range(0, len(domain), 2))


class _Writer:
    """Writes constraints of the whole model into a sub-model, fixed variables as constants."""

    def __init__(self, models: SubModels, values: Ints, kept: Ints, proto: Proto) -> None:
        self.models, self.values, self.proto = models, values, proto
        self.index = np.full(models.n, -1, dtype=np.int64)
        self.index[kept] = np.arange(len(kept), dtype=np.int64)

    def fold(self, vars_: Ints, coeffs: Ints, offset: int = 0) -> tuple[list[int], list[int], int]:
        """A linear expression over the kept variables, and its fixed part's value."""
        sub = self.index[vars_]
        kept = sub >= 0
        constant = offset + int(coeffs[~kept] @ self.values[vars_[~kept]])
        return sub[kept].tolist(), coeffs[kept].tolist(), constant

    def _literals(self, refs: list[int]) -> tuple[list[int], int, int]:
        """(the kept literals in the sub-model's variables, how many fixed ones are true, false)."""
        literals = np.array(refs, dtype=np.int64)
        variables = _variables(literals)
        sub = self.index[variables]
        kept = sub >= 0
        mapped = np.where(literals[kept] >= 0, sub[kept], -sub[kept] - 1)
        held = self.values[variables[~kept]]
        true = int(np.where(literals[~kept] >= 0, held, 1 - held).sum())
        return mapped.tolist(), true, int((~kept).sum()) - true

    def _enforced(self, k: int) -> list[int] | None:
        """The constraint's kept enforcement literals; None when a fixed one is false (the
        constraint does not apply). Fixed true ones are left out: it applies as without them."""
        refs = self.models.enforcement[k]
        if not refs:
            return []
        kept, _true, false = self._literals(refs)
        return None if false else kept

    def linear(self, rows: Ints) -> None:
        """Every kept linear constraint at once: fixed terms summed per row into the bounds."""
        models = self.models
        vars_, counts = models.terms.gather(rows)
        coeffs = models.coeffs[np.repeat(models.terms.starts[rows], counts) + _within(counts)]
        sub = self.index[vars_]
        kept = sub >= 0
        fixed = np.where(kept, 0, coeffs * self.values[vars_])
        sums = np.concatenate([[0], np.cumsum(fixed)])
        ends = np.cumsum(counts)
        constants = (sums[ends] - sums[ends - counts]).tolist()
        kept_ends = np.concatenate([[0], np.cumsum(kept)])[ends].tolist()
        kept_vars, kept_coeffs = sub[kept].tolist(), coeffs[kept].tolist()
        start = 0
        add = self.proto.constraints.add  # each access to the C++ model costs: read once
        for k, constant, end in zip(rows.tolist(), constants, kept_ends, strict=True):
            enforcement = self._enforced(k)
            if enforcement is not None:
                domain = _shift(models.bounds[k], constant)
                if start == end:
                    if not _holds(domain, 0):
                        self._never(enforcement)
                else:
                    new = add()
                    if enforcement:
                        new.enforcement_literal.extend(enforcement)
                    linear = new.linear
                    linear.vars.extend(kept_vars[start:end])
                    linear.coeffs.extend(kept_coeffs[start:end])
                    linear.domain.extend(domain)
            start = end

    def other(self, k: int) -> None:
        """A kept constraint of any folded kind but linear."""
        enforcement = self._enforced(k)
        kind = self.models.kind[k]
        if enforcement is None:
            return
        if kind == "lin_max":
            new = self.proto.constraints.add()
            new.enforcement_literal.extend(enforcement)
            for j, (vars_, coeffs, offset) in enumerate(self.models.exprs[k]):
                folded, kept_coeffs, constant = self.fold(vars_, coeffs, offset)
                expr = new.lin_max.target if j == 0 else new.lin_max.exprs.add()
                expr.vars.extend(folded)
                expr.coeffs.extend(kept_coeffs)
                expr.offset = constant
            return
        kept, true, false = self._literals(self.models.literals[k])
        if kind == "bool_or":
            if not true:
                self._add("bool_or", enforcement, kept) if kept else self._never(enforcement)
        elif kind == "bool_and":
            if false:
                self._never(enforcement)
            elif kept:
                self._add("bool_and", enforcement, kept)
        elif true > 1 or (kind == "exactly_one" and not true and not kept):
            self._never(enforcement)
        elif true == 1:  # the one allowed is a fixed literal: the kept ones are all false
            if kept:
                self._add("bool_and", enforcement, [-ref - 1 for ref in kept])
        elif kept:
            self._add(kind, enforcement, kept)

    def _add(self, kind: str, enforcement: list[int], literals: list[int]) -> None:
        new = self.proto.constraints.add()
        new.enforcement_literal.extend(enforcement)
        getattr(new, kind).literals.extend(literals)

    def _never(self, enforcement: list[int]) -> None:
        """A constraint the fixed values alone break: its kept enforcement must be false;
        without one the sub-model has no solution (the roster itself would break it)."""
        self.proto.constraints.add().bool_or.literals.extend([-ref - 1 for ref in enforcement])


def _within(counts: Ints) -> Ints:
    """0, 1, ... within each run of `counts` entries."""
    return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
