"""Run one stage as a subprocess and measure its wall time and peak memory.

Peak memory is the largest sum of the resident set sizes (RSS) of the stage's whole process
tree (the process and all its descendants: dbt's threads, node, Python data loaders),
sampled from /proc every 0.1 s (Linux; no extra dependency). Sampling can miss a peak
shorter than the interval; the kernel's own high-water mark of the largest single descendant
(`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`) is recorded beside it as a cross-check.

CPU time (user + system of the whole tree, from the same getrusage delta) is recorded too:
on a shared machine wall time depends on the other jobs, CPU time much less.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

POLL_SECONDS = 0.1


@dataclass
class StageResult:
    name: str
    seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    max_child_rss_bytes: int
    returncode: int
    command: list[str]
    stdout_tail: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


PAGE = os.sysconf("SC_PAGE_SIZE")


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process, from /proc/<pid>/stat."""
    out: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name (field 2) is in parentheses and may contain spaces
        fields = stat[stat.rfind(b")") + 2 :].split()
        out[int(entry.name)] = int(fields[1])
    return out


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE
        except OSError:
            pass
    return total


def run_stage(
    name: str,
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log_path: Path | None = None,
) -> StageResult:
    """Run `command`, polling the RSS of its process tree; its output goes to `log_path`."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage_before.ru_maxrss
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(command), cwd=cwd, env=full_env, stdout=log, stderr=subprocess.STDOUT
    )
    peak = 0
    stop = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(POLL_SECONDS)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    returncode = proc.wait()
    seconds = time.perf_counter() - started
    stop.set()
    poller.join()
    if log_path:
        log.close()  # type: ignore[union-attr]
    usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = usage_after.ru_maxrss
    cpu = (usage_after.ru_utime + usage_after.ru_stime) - (
        usage_before.ru_utime + usage_before.ru_stime
    )
    tail = ""
    if log_path and log_path.exists():
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-15:])
    return StageResult(
        name=name,
        seconds=seconds,
        cpu_seconds=cpu,
        peak_rss_bytes=peak,
        # ru_maxrss is in KiB on Linux and only grows: it says something only when it did
        max_child_rss_bytes=max(after, before) * 1024 if after > before else 0,
        returncode=returncode,
        command=list(command),
        stdout_tail=tail,
    )
