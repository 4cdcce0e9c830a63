"""Neighbourhoods beside a whole-model search that is near its proof.

Why: at the switch (`search_run.FULL_SHARE` of the time) a whole model whose roster is within
`search_run.LNS_FROM_GAP` of CP-SAT's bound keeps its search, as a proof may be near: Curtois
& Qu Instance4 and Instance6 (gaps of 9-11 % and 5 % there) prove their optima at 18-56 s and
27-49 s of 60, and lose the proof when the neighbourhoods take over. But the gap may be the
roster's, not the bound's: on Instance10 the bound is 4620 from about 7 s (best known 4631)
and the kept whole model's roster ends at 4884-5093, while neighbourhoods from the switch on
reach 4639-4742. So from the switch one lane of neighbourhoods (one CP-SAT worker,
solve/lns.py) probes beside the whole model for `search_run.PROBE_SHARE` of the search, the
whole model keeping its workers and its proof's progress. The whole model's rosters are
offered to the lane (a running CP-SAT search cannot take the lane's, but its bound judges
them); a lane roster that meets the bound ends both (optimal), one `HANDOVER_GAP` below the
whole model's ends the whole model and the neighbourhoods take every worker; at the end the
cheaper roster stands. Figures: models/NEIGHBOURHOODS.md, "Neighbourhoods beside a whole model".
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable

from outreach_opt.solve.lns import Found, Search
from outreach_opt.solve.sub_model import Ints, Solution

logger = logging.getLogger(__name__)


HANDOVER_GAP = 0.02
"""When the lane's roster costs this much less than the whole model's last one, the whole
model is not the search finding rosters: it stops, and the neighbourhoods take its workers."""


class Beside:
    """One lane of neighbourhoods in its own thread until `deadline` (perf_counter) or a
    proof. `report(objective)` hears each roster cheaper than every one heard before, from
    either side; `bound()` is the whole model's bound so far; `stop_whole()` ends its search."""

    def __init__(
        self,
        lns: Search,
        deadline: float,
        report: Callable[[int], None],
        bound: Callable[[], float | None],
        stop_whole: Callable[[], None],
    ) -> None:
        self.lns, self.deadline = lns, deadline
        self._report, self._bound, self._stop_whole = report, bound, stop_whole
        self._lock = threading.Lock()
        self._lowest: int | None = None
        self._thread: threading.Thread | None = None
        self._found: Found | None = None
        self._failed: list[BaseException] = []
        self._whole: int | None = None
        """The cost of the whole model's last roster."""
        self.handed_over = False
        """Set when the lane's roster left the whole model's `HANDOVER_GAP` behind: the whole
        model is stopped, and the neighbourhoods take every worker (search_run)."""

    def start(self, values: Ints, objective: int) -> None:
        """From the whole model's roster (its values, and its cost as the callback priced them)."""
        found = self._found_of(values, objective)
        self._lowest = self._whole = objective
        logger.info("neighbourhoods beside the whole model from %d", objective)
        self._thread = threading.Thread(target=self._run, args=(found,), daemon=True)
        self._thread.start()

    def heard(self, values: Ints, objective: int, report: Callable[[], None]) -> bool:
        """A roster of the whole model (its callback calls this once `start` has run): offered
        to the lane while it runs (not once the probe has ended); when it is cheaper than every roster reported so far,
        `report()` (the whole model's own progress report) is called and True returned. The
        call is made under the lock that orders the lane's reports: decided there and made
        after it, a lane's cheaper roster reported in between was once followed by the whole
        model's dearer one (18050, then 123785, on the four-week sample under CI's load)."""
        if self._thread is not None and self._thread.is_alive():
            self._whole = objective
            self.lns.offer(self._found_of(values, objective))
        return self._lower(objective, report)

    def finish(self) -> Found | None:
        """Stop the lane (the whole model has ended), wait for it, and return its best roster;
        re-raises what failed in it. After a handover the search is left ready for the
        neighbourhoods that follow (a signal meanwhile is the caller's to heed)."""
        if self._thread is None:
            return None
        self.lns.stop()
        self._thread.join()
        if self._failed:
            raise self._failed[0]
        if self.handed_over:
            self.lns.stopped = False
        return self._found

    def _run(self, found: Found) -> None:
        try:
            self._found = self.lns.improve(found, self.deadline, self._better, beside=True)
        except BaseException as exc:  # re-raised by `finish` on the search's thread
            self._failed.append(exc)
            self._stop_whole()

    def _better(self, objective: int) -> None:
        """The lane's cheaper roster: reported, and both searches end when the whole model's
        bound proves it optimal."""
        self._lower(objective, lambda: self._report(objective))
        bound = self._bound()
        if bound is not None and math.isfinite(bound) and objective <= math.ceil(bound - 1e-6):
            logger.info("neighbourhoods beside: %d meets the whole model's bound", objective)
            self._stop_whole()
            self.lns.stop()
        elif self._whole is not None and objective < (1 - HANDOVER_GAP) * self._whole and not self.handed_over:
            logger.info("neighbourhoods beside: %d against the whole model's %d, handed over", objective, self._whole)
            self.handed_over = True
            self._stop_whole()

    def _lower(self, objective: int, report: Callable[[], None]) -> bool:
        """Is `objective` below every roster's so far? If so it is the lowest from now on,
        and `report()` is called before another roster is judged (reports fall in order)."""
        with self._lock:
            if self._lowest is not None and objective >= self._lowest:
                return False
            self._lowest = objective
            report()
        return True

    def _found_of(self, values: Ints, cost: int) -> Found:
        """The whole model's roster as the lane's: `cost` is the callback's, read from these
        values (search_run.SearchCallback), not read again here."""
        return Found(Solution(values, float(cost)), cost)
