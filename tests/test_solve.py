"""The solver on the real sample weeks and on rosters it did not make.

- The sample weeks and the contract example prove optimality well within 30 s on 2 cores, and
  every roster passes the independent checker with the same objective.
- tiny.yaml's optimum (4220) is worked out by hand in the file's header: Ren takes both PCI
  afternoons at Dachang (2 x 80 min), Zhang one Sanhe clinic (60 min), the second Sanhe clinic
  is uncovered (1000 x priority 4): 4000 + 220.
- The reverse direction: a roster the checker accepts, made by hand, is accepted by the model
  when fixed as hints (the model is not too tight).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import EXAMPLE, INSTANCES, proven_sample, solve_checked
from test_checker import VALID, VALID_OBJECTIVE

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.roster import Roster
from outreach_opt.io.load import load_instance
from outreach_opt.solve.outcome import Status, cost_bound
from outreach_opt.solve.solve import model_accepts, solve

SAMPLES = [EXAMPLE, *sorted(INSTANCES.glob("*.yaml"))]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_proves_optimality(path: Path) -> None:
    """Each sample solves to a proven optimum, checked. The limit is generous on purpose: the
    search stops at the proof (the four-week sample: about 10 s on two idle cores, 80-110 s
    when other jobs share them), and how fast is the benchmarks' question, not a test's. The
    solve is `proven_sample`'s, shared with the tests below and in other modules."""
    _, result, report = proven_sample(path)
    assert result.status is Status.OPTIMAL
    assert result.gap == 0.0 and report.ok


def test_known_optima() -> None:
    """Optima measured once and pinned, so a formulation change that alters them is seen:
    tiny 4220 (by hand, see the module docstring); the contract example 305 (every session
    covered; Ren: Tongzhou-Sanhe-Dachang-Tongzhou 100 and Dachang on Sunday 80, Wang:
    Xianghe-Dachang evening 125 — each leg from the example's travel table)."""
    tiny, _ = solve_checked(load_instance(str(INSTANCES / "tiny.yaml")))
    assert (tiny.objective, tiny.breakdown) == (4220, {"uncovered": 4000, "travel": 220})
    example, _ = solve_checked(load_instance(str(EXAMPLE)))
    assert (example.objective, example.breakdown) == (305, {"uncovered": 0, "travel": 305})


def test_model_accepts_a_hand_made_valid_roster() -> None:
    """test_checker's hand-made roster of the example (valid, cost 5380 by hand) is admitted
    by the model: fixing every variable to it is feasible."""
    instance = load_instance(str(EXAMPLE))
    roster = Roster(instance=instance.name, assignments=VALID)
    assert check_roster(instance, roster).objective == VALID_OBJECTIVE
    assert model_accepts(instance, roster) == (True, [])


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_model_accepts_its_own_rosters_without_symmetry_breaking(path: Path) -> None:
    """The solver's roster (the proven one of `proven_sample`), fixed as hints with symmetry
    breaking off, is admitted."""
    instance, result, _ = proven_sample(path)
    assert result.roster is not None
    assert model_accepts(instance, result.roster) == (True, [])


def test_same_seed_one_worker_same_roster_across_processes(tmp_path: Path) -> None:
    """Same instance, seed and one worker give the same roster file byte for byte, in separate
    processes with different string-hash seeds (PYTHONHASHSEED): iterating a set of ids while
    building once made the model, and so the roster, differ from run to run. The two processes
    run side by side (one worker each): on two cores the test waits for one solve, not two."""
    children = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"roster-{hash_seed}.json"
        command = [sys.executable, "-m", "outreach_opt.cli.main", "solve", str(INSTANCES / "anzhen-tongzhou-week.yaml")]
        command += ["--workers", "1", "--seed", "3", "--quiet", "--out", str(out)]
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        children.append((subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE), out))
    written = []
    for child, out in children:
        _, errors = child.communicate(timeout=600)
        assert child.returncode == 0, errors
        written.append(out.read_bytes())
    assert written[0] == written[1]


def test_oversized_instance_is_refused_before_building(monkeypatch: pytest.MonkeyPatch) -> None:
    """Size limits are checked before the model is built: with the limit lowered under the
    Anzhen week's 318 candidate sessions, solve raises InputError (exit 2 in the CLI) naming
    the count and the limit."""
    from outreach_opt.domain.problems import InputError
    from outreach_opt.solve import size_limits

    monkeypatch.setattr(size_limits, "MAX_CANDIDATES", 100)
    with pytest.raises(InputError, match="318 possible demand sessions, over the limit of 100"):
        solve(load_instance(str(INSTANCES / "anzhen-tongzhou-week.yaml")))


def test_oversized_instance_names_its_file_in_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a user sees it: `solve` and `explain`, refusing an instance
    for its size say which file, exit 2, and print no traceback."""
    from click.testing import CliRunner

    from outreach_opt.cli.main import main
    from outreach_opt.solve import size_limits

    monkeypatch.setattr(size_limits, "MAX_CANDIDATES", 100)
    path = str(INSTANCES / "anzhen-tongzhou-week.yaml")
    for command in (["solve", path, "--quiet"], ["explain", path]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: {path}: the instance asks the model to weigh"), result.stderr
        assert "Traceback" not in result.output


def test_a_bound_below_zero_is_read_as_zero() -> None:
    """Every objective term is a count times a weight of at least 0: CP-SAT's bound from the
    variables' domains alone (Curtois & Qu Instance13 after 15 s: -1737) is read as 0, a
    fractional one rounded as before."""
    assert cost_bound(-1737.0) == 0
    assert cost_bound(-0.4) == 0
    assert (cost_bound(1234.4), cost_bound(1234.6), cost_bound(0.0)) == (1234, 1235, 0)
