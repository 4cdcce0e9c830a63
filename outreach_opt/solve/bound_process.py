"""The relaxation's bound (solve/relaxation_bound.py) computed in a child process beside the
greedy roster and the search, each rise sent to the parent; and, on the spare core while the
greedy runs, the integer counts' MIP (solve/relaxation_mip.py), with a limit of its own; once the
greedy returns none starts (`BoundInBackground.end_integral`). Before the relaxation, where asked,
the weekends' MIP (solve/weekend_bound.py): seconds where it applies, and the relaxation knows
nothing of it."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import Prepared
from outreach_opt.domain.roster import Assignment
from outreach_opt.solve.relaxation import relaxation
from outreach_opt.solve.relaxation_bound import _Flag, lower_bound
from outreach_opt.solve.weekend_bound import weekend_bound

logger = logging.getLogger(__name__)


class BoundInBackground:
    """`lower_bound` of an instance in a child process beside the greedy roster and the
    search. `best` is the highest bound so far (None before the first LP); each rise is passed
    to `on_bound` (from a thread that listens to the child).

    A process, not a thread: GLOP leaves the GIL while it solves, yet a Python loop beside
    it ran at half speed during the solve (measured at 300 specialists: 115k against 230k
    iterations per 0.2 s), which at 1000 specialists slowed the one-threaded greedy roster by
    as much. Forked (no re-import of the caller's script); the child ignores SIGINT, which
    the parent handles (the CLI stops the search and keeps its roster). A daemonic process
    may not have children (a Dask worker is one by default): there it runs in a thread, as
    before the process, slower beside the greedy roster but the same bound."""

    def __init__(
        self,
        instance: Instance,
        past: Sequence[Assignment],
        deadline: float,
        on_bound: Callable[[int], None] | None = None,
        integral: bool = False,
        integral_until: float | None = None,
        relax: bool = True,
        weekends: Prepared | None = None,
        weekends_seconds: float = 0.0,
    ) -> None:
        """`relax`: the relaxation's bound (and its MIP when `integral`); `weekends`: the
        weekends' bound of that prepared instance first (None: not), its MIP given at most
        `weekends_seconds` (and never past `deadline`)."""
        self.best: int | None = None
        self._stopped = False
        self._lock = threading.Lock()  # a rise and the stop never interleave
        self._on_bound = on_bound
        self._process: multiprocessing.process.BaseProcess | None = None
        if multiprocessing.current_process().daemon:
            stop = threading.Event()
            self._stop: _Flag = stop

            def in_thread() -> None:
                if weekends is not None:  # HiGHS ends at its own limit
                    _weekends_first(weekends, min(weekends_seconds, deadline - time.perf_counter()), self._rise)
                if not relax or stop.is_set():
                    return
                relaxed = relaxation(instance, past)
                if not stop.is_set():  # stopped while the relaxation was built: no LP at all
                    lower_bound(relaxed, deadline, self._rise, stop)  # no MIP: a thread cannot end HiGHS

            self._thread = threading.Thread(target=in_thread, name="relaxation-bound", daemon=True)
            self._thread.start()
            return
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        self._stop = context.Event()
        self._integral = context.Value("b", _BEFORE_MIP)
        seconds = deadline - time.perf_counter()
        mip_seconds = None if integral_until is None else integral_until - time.perf_counter()
        self._process = context.Process(
            target=_bound_in_child,
            args=(instance, list(past), seconds, send, self._stop, integral, mip_seconds, self._integral),
            kwargs={"relax": relax, "weekends": weekends, "weekends_seconds": weekends_seconds},
            daemon=True,
        )
        self._process.start()
        send.close()  # the child holds the sending end: its exit ends the listening
        self._thread = threading.Thread(target=self._listen, args=(receive,), name="relaxation-bound", daemon=True)
        self._thread.start()

    def _listen(self, receive: Connection) -> None:
        with receive:
            while True:
                try:
                    bound = receive.recv()
                except EOFError:
                    return
                self._rise(bound)

    def _rise(self, bound: int) -> None:
        with self._lock:
            if self._stopped:
                return  # the result is out: a later bound would contradict it
            if self.best is not None and bound <= self.best:
                return  # two bounds (weekends', relaxation's): the higher holds
            self.best = bound
            if self._on_bound is not None:
                self._on_bound(bound)

    def end_integral(self) -> None:
        """No integer counts' MIP from now on: the greedy roster is done and the search wants
        both cores. One not yet started never starts; one running ends at its own limit
        (`solve.MIP_SHARE`): HiGHS tells its bound only at the end, and MathOpt's HiGHS does
        not heed an interrupter (a pre-interrupted `SolveInterrupter` still ran its 10 s at
        80 x 15 seed 2), so ending it sooner would mean ending the child and losing the MIP's
        bound. In a thread (daemonic caller) no MIP runs anyway."""
        if self._process is None:
            return
        with self._integral.get_lock():
            running = self._integral.value == _IN_MIP
            self._integral.value = _NO_MIP
        if running:
            logger.info("integer counts' MIP left to end at its own limit")

    def stop(self) -> int | None:
        """Stop the child (it is ended, not waited for past a moment) and return the bound
        reached; nothing more is reported."""
        with self._lock:
            self._stopped = True
            self._stop.set()
            best = self.best
        if self._process is not None:
            self._process.terminate()
            self._process.join(timeout=1)
        return best


def _bound_in_child(
    instance: Instance,
    past: list[Assignment],
    seconds: float,
    send: Connection,
    stop: _Flag,
    integral: bool,
    mip_seconds: float | None = None,
    mip_state: Any = None,
    relax: bool = True,
    weekends: Prepared | None = None,
    weekends_seconds: float = 0.0,
) -> None:
    """The child's work: the relaxation and its rising bound, each rise sent to the parent.
    Times come as seconds from now: the moments are the parent's. `mip_state` (a shared byte,
    `_BEFORE_MIP`/`_IN_MIP`/`_NO_MIP`) is how the parent's `end_integral` knows whether ending
    the MIP means ending the child; the gate and `end_integral` each hold its lock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if integral or weekends is not None:  # HiGHS's MIP writes some messages to stdout whatever its options
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # fd 1, the child's only
    began = time.perf_counter()
    until = None if mip_seconds is None else began + mip_seconds

    def gate() -> bool:
        if mip_state is None:
            return True
        with mip_state.get_lock():
            if mip_state.value == _NO_MIP:
                return False
            mip_state.value = _IN_MIP
            return True

    with send:
        if weekends is not None:
            _weekends_first(weekends, min(weekends_seconds, seconds), send.send)
        if relax and not stop.is_set():
            lower_bound(relaxation(instance, past), began + seconds, send.send, stop, integral, until, gate)


def _weekends_first(prep: Prepared, seconds: float, send: Callable[[int], None]) -> None:
    """The weekends' bound, sent when it proves something."""
    bound = weekend_bound(prep, seconds)
    if bound is not None:
        send(bound)


_BEFORE_MIP, _IN_MIP, _NO_MIP = 0, 1, 2
"""The integer counts' MIP in the child: not yet started, running, or not to run (ended)."""
