"""Companions in parallel: each companion runs in one process, day after day, as it would in
the simulation's own process.

A companion depends only on its own state, its own random generator (``ctx.rng(name)``) and
what each day hands it (the agents' plans and the PBX's calls), never on another companion.
So the companions can be split into *lanes*: lane 0 is the simulation's process (which also
runs the PBX and writes its files), every other lane a worker process that receives each
day's plans and calls, in day order, and calls its companions exactly as lane 0 would. The
files are the same bytes whatever the number of lanes (DECISIONS.md D170).

Companions are assigned to lanes by their measured cost (`COST`, seconds of CPU per
simulated day of the 300-agent center), largest first, each to the least loaded lane; lane
0 starts with the PBX's cost. A companion whose factory is not a module-level name (a test's
local class) stays in lane 0: a worker process can only import it by name.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import pickle
import queue
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestration.simulator.model import DayOutput

if TYPE_CHECKING:
    from orchestration.simulator.companions import Companion, CompanionContext
    from orchestration.simulator.workforce import AgentDay

Factory = Callable[["CompanionContext"], "Companion"]

# CPU seconds per simulated day of the 300-agent center (measured on 30 days, D170): the PBX
# (the engine, its two files and the day's hand-over to the workers) and each companion; only
# their ratios matter.
PBX_COST = 0.8
COST = {
    "crm": 0.72,
    "digital": 0.38,
    "ivr": 0.32,
    "surveys": 0.12,  # + 0.06 for its own call summary when not in the CRM's lane
    "outbound": 0.05,
    "quality": 0.02,
    "wfm": 0.01,
}
DEFAULT_COST = 0.05
QUEUED_DAYS = 8  # days a worker may lag behind the PBX (bounds the memory they hold)
POLL_SECONDS = 1.0


def importable(factory: Factory) -> bool:
    """Whether a worker process can import `factory` by module and name."""
    module = getattr(factory, "__module__", None)
    name = getattr(factory, "__qualname__", "")
    if not module or "<" in name:
        return False
    try:
        return _resolve(module, name) is factory
    except (ImportError, AttributeError):
        return False


def _resolve(module: str, qualname: str) -> Any:
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def plan_lanes(
    factories: Sequence[tuple[str, Factory]], jobs: int
) -> list[list[tuple[str, Factory]]]:
    """Companions per lane (lane 0: this process); lanes left empty are dropped, except 0."""
    lanes: list[list[int]] = [[] for _ in range(max(1, jobs))]
    load = [PBX_COST] + [0.0] * (len(lanes) - 1)
    ranked = sorted(
        range(len(factories)), key=lambda k: (-COST.get(factories[k][0], DEFAULT_COST), k)
    )
    for k in ranked:
        name, factory = factories[k]
        candidates = range(len(lanes)) if importable(factory) else range(1)
        lane = min(candidates, key=lambda i: (load[i], i))
        lanes[lane].append(k)
        load[lane] += COST.get(name, DEFAULT_COST)
    # each lane's companions in the factories' order (module-name order)
    in_order = [[factories[k] for k in sorted(lane)] for lane in lanes]
    return in_order[:1] + [lane for lane in in_order[1:] if lane]


def _start_method() -> Any:
    """fork where it is safe (Linux): the worker starts at once, without importing the
    caller's main module again (spawn runs a script without a ``__main__`` guard a second
    time); spawn elsewhere (macOS, Windows)."""
    if sys.platform.startswith("linux"):
        return mp.get_context("fork")
    return mp.get_context("spawn")


def _lane_main(
    context: CompanionContext, refs: list[tuple[str, str]], inbox, outbox, parent: int
) -> None:
    """A worker lane: build its companions, run every day it is sent, then finish them."""
    failed = None
    companions: list[Companion] = []
    try:
        companions = [_resolve(module, name)(context) for module, name in refs]
    except BaseException:
        failed = traceback.format_exc()
    while True:
        try:
            blob = inbox.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:  # the simulation was killed: nobody will send more
                return
            continue
        if blob is None:
            break
        if failed is not None:
            continue  # keep reading so the simulation never blocks on a full queue
        try:
            day, plans, output = pickle.loads(blob)
            for companion in companions:
                companion.on_day(day, plans, output)
        except BaseException:
            failed = traceback.format_exc()
    if failed is None:
        try:
            outbox.put(("ok", [path for c in companions for path in c.finish()]))
            return
        except BaseException:
            failed = traceback.format_exc()
    outbox.put(("error", failed))


class Lanes:
    """Lane 0's companions run here; the other lanes' in worker processes."""

    def __init__(
        self, context: CompanionContext, factories: Sequence[tuple[str, Factory]], jobs: int
    ) -> None:
        lanes = plan_lanes(factories, jobs)
        self.local = [make(context) for _, make in lanes[0]]
        self.names = [[name for name, _ in lane] for lane in lanes]
        self.workers: list[tuple[Any, Any, Any]] = []
        if len(lanes) == 1:
            return
        start = _start_method()
        for lane in lanes[1:]:
            refs = [(make.__module__, make.__qualname__) for _, make in lane]
            inbox, outbox = start.Queue(QUEUED_DAYS), start.Queue()
            process = start.Process(
                target=_lane_main,
                args=(context, refs, inbox, outbox, os.getpid()),
                daemon=True,
            )
            process.start()
            self.workers.append((process, inbox, outbox))

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        if self.workers:
            blob = pickle.dumps((day, plans, output), protocol=pickle.HIGHEST_PROTOCOL)
            for process, inbox, _ in self.workers:
                self._put(process, inbox, blob)
        for companion in self.local:
            companion.on_day(day, plans, output)

    def _put(self, process, inbox, blob: bytes | None) -> None:
        while True:
            try:
                inbox.put(blob, timeout=POLL_SECONDS)
                return
            except queue.Full:
                if not process.is_alive():
                    raise RuntimeError(
                        f"simulate: a companion worker (pid {process.pid}) stopped "
                        f"with exit code {process.exitcode}"
                    ) from None

    def finish(self) -> list[Path]:
        """Every companion's files: lane 0's, then each worker's (which end here)."""
        for process, inbox, _ in self.workers:
            self._put(process, inbox, None)
        paths = [path for companion in self.local for path in companion.finish()]
        errors = []
        for (process, _, outbox), names in zip(self.workers, self.names[1:], strict=True):
            status, value = self._get(process, outbox)
            process.join()
            if status == "ok":
                paths += value
            else:
                errors.append(f"companions {', '.join(names)} failed:\n{value}")
        self.workers = []
        if errors:
            raise RuntimeError("simulate: " + "\n".join(errors))
        return paths

    def _get(self, process, outbox) -> tuple[str, Any]:
        while True:
            try:
                return outbox.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not process.is_alive() and outbox.empty():
                    return "error", f"worker stopped with exit code {process.exitcode}"

    def close(self) -> None:
        """Stop the workers (after an error in this process)."""
        for process, _, _ in self.workers:
            if process.is_alive():
                process.terminate()
            process.join()
        self.workers = []
