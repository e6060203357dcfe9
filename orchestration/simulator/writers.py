"""File formats the PBX and the HR system leave in the landing folder (docs/contracts.md §1).

- `asterisk/queue_log/queue_log-YYYYMMDD`: Asterisk queue_log file format
  `epoch|callid|queue|agent|EVENT|data...`, no header, one file per local day (as logrotate
  leaves them), lines in time order.
- `asterisk/cdr/Master-YYYYMMDD.csv`: cdr_csv with the 21 columns of `newcdrcolumns=yes`,
  no header, one file per local day of the record's end (cdr_csv writes at hangup). Quoting
  is cdr_csv's own (cdr_csv.c `append_string`/`append_int`/`append_date`): text fields in
  double quotes, `duration`, `billsec` and `sequence` bare, an empty `answer` as nothing at
  all; start/answer/end in the PBX's local time.
- `asterisk/queues.conf` and `roster/agents.csv`.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from orchestration.simulator.profiles import CenterProfile, QueueSpec
from orchestration.simulator.workforce import AgentSpec

_DATES: dict[int, str] = {}
_HOURS_MINUTES = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECONDS = [f"{s:02d}" for s in range(60)]


def clock_text(seconds: int, sep: str = " ") -> str:
    """``YYYY-MM-DD<sep>HH:MM:SS`` of `seconds` after 1970-01-01 00:00: what
    ``time.strftime`` writes for ``time.gmtime(seconds)``, from tables (the simulator writes
    millions of timestamps; this is a quarter of strftime's cost)."""
    days, rest = divmod(int(seconds), 86400)
    day = _DATES.get(days)
    if day is None:
        day = _DATES[days] = time.strftime("%Y-%m-%d", time.gmtime(days * 86400))
    minutes, secs = divmod(rest, 60)
    return day + sep + _HOURS_MINUTES[minutes] + _SECONDS[secs]


OFFSET_BUCKET = 900  # UTC offsets change on quarter-hour boundaries in every modern zone
QUEUE_CONTEXT = "ext-queues"  # dialplan context of the queue extensions (CDR dcontext)


class LocalClock:
    """UTC epoch seconds ↔ the site's local wall clock, with a cache of UTC offsets."""

    def __init__(self, time_zone: str) -> None:
        try:
            self.tz = ZoneInfo(time_zone)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError
            raise ValueError(
                f"simulate: unknown time zone {time_zone!r}; use an IANA name like Europe/Madrid"
            ) from exc
        self._offsets: dict[int, int | None] = {}

    def _offset_at(self, epoch: int) -> int:
        off = datetime.fromtimestamp(epoch, self.tz).utcoffset()
        assert off is not None
        return int(off.total_seconds())

    def offset(self, epoch: int) -> int:
        bucket = epoch // OFFSET_BUCKET
        if bucket not in self._offsets:
            first = self._offset_at(bucket * OFFSET_BUCKET)
            last = self._offset_at(bucket * OFFSET_BUCKET + OFFSET_BUCKET - 1)
            self._offsets[bucket] = first if first == last else None
        cached = self._offsets[bucket]
        return cached if cached is not None else self._offset_at(epoch)

    def local_str(self, epoch: int) -> str:
        return clock_text(epoch + self.offset(epoch))

    def local_iso(self, epoch: int) -> str:
        """Local wall time with its UTC offset, ``2026-10-05T08:00:00+02:00`` (what
        ``datetime.fromtimestamp(epoch, tz).isoformat(timespec="seconds")`` writes)."""
        off = self.offset(epoch)
        if off % 60:
            return datetime.fromtimestamp(epoch, self.tz).isoformat(timespec="seconds")
        hours, minutes = divmod(abs(off) // 60, 60)
        sign = "+" if off >= 0 else "-"
        return f"{clock_text(epoch + off, 'T')}{sign}{hours:02d}:{minutes:02d}"

    def local_date(self, epoch: int) -> date:
        return datetime.fromtimestamp(epoch + self.offset(epoch), UTC).date()

    def local_minutes(self, epoch: int) -> float:
        """Minutes after local midnight on the local clock (repeats in the autumn hour)."""
        return ((epoch + self.offset(epoch)) % 86400) / 60.0

    def epoch_of(self, day: date, minute: float) -> int:
        """Epoch of a local wall time `minute` minutes after `day`'s midnight (first occurrence)."""
        wall = datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(minutes=minute)
        return int(wall.timestamp())

    def midnight(self, day: date) -> int:
        return self.epoch_of(day, 0)


def _q(value: str) -> str:
    """cdr_csv's append_string: in double quotes, inner quotes doubled."""
    return f'"{value}"' if '"' not in value else '"' + value.replace('"', '""') + '"'


def cdr_row(
    *,
    src: str,
    dst: str,
    dcontext: str,
    channel: str,
    dstchannel: str,
    lastapp: str,
    lastdata: str,
    start: int,
    answer: int | None,
    end: int,
    disposition: str,
    uniqueid: str,
    userfield: str,
    sequence: int,
    clock: LocalClock,
) -> str:
    """One cdr_csv line (21 columns, newline included); linkedid = uniqueid (the caller leg)."""
    clid = '"Anonymous" <anonymous>' if src == "anonymous" else f'"{src}" <{src}>'
    answer_field = _q(clock.local_str(answer)) if answer is not None else ""
    billsec = end - answer if answer is not None else 0
    texts = src + dst + dcontext + channel + dstchannel + lastapp + lastdata + disposition
    if '"' not in texts + uniqueid + userfield:  # the PBX's own values: one f-string
        return (
            f'"","{src}","{dst}","{dcontext}",{_q(clid)},"{channel}","{dstchannel}",'
            f'"{lastapp}","{lastdata}","{clock.local_str(start)}",{answer_field},'
            f'"{clock.local_str(end)}",{end - start},{billsec},"{disposition}",'
            f'"DOCUMENTATION","{uniqueid}","{userfield}","","{uniqueid}",{sequence}\n'
        )
    fields = [
        _q(""),
        _q(src),
        _q(dst),
        _q(dcontext),
        _q(clid),
        _q(channel),
        _q(dstchannel),
        _q(lastapp),
        _q(lastdata),
        _q(clock.local_str(start)),
        answer_field,
        _q(clock.local_str(end)),
        str(end - start),
        str(billsec),
        _q(disposition),
        _q("DOCUMENTATION"),
        _q(uniqueid),
        _q(userfield),
        _q(""),
        _q(uniqueid),
        str(sequence),
    ]
    return ",".join(fields) + "\n"


class DayFiles:
    """Buffers lines per local date and writes each day's file once it is complete."""

    def __init__(self, folder: Path, name: str, clock: LocalClock) -> None:
        self.folder = folder
        self.name = name  # e.g. "queue_log-{:%Y%m%d}"
        self.clock = clock
        self.pending: dict[date, list[tuple[int, int, str]]] = {}
        self.written: list[Path] = []
        folder.mkdir(parents=True, exist_ok=True)

    def add(
        self, items: Iterable[tuple[int, int, str]], day: date, day_start: int, day_end: int
    ) -> None:
        """Items of day `day`; any outside [day_start, day_end) go to the local date they fall on
        (a login a few minutes before midnight, a call that ends after it)."""
        bucket = self.pending.setdefault(day, [])
        for item in items:
            if day_start <= item[0] < day_end:
                bucket.append(item)
            else:
                self.pending.setdefault(self.clock.local_date(item[0]), []).append(item)

    def flush(self, upto: date) -> None:
        for day in sorted(d for d in self.pending if d <= upto):
            items = self.pending.pop(day)
            if not items:
                continue
            items.sort()
            path = self.folder / self.name.format(day)
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write("".join(item[2] for item in items))
            self.written.append(path)


def write_queues_conf(path: Path, specs: Sequence[QueueSpec], profile: CenterProfile) -> None:
    """A queues.conf like the simulated PBX would have (informational for the warehouse)."""
    lines = [
        "; queues.conf -- Asterisk call queues of the MAD contact center",
        "; Agents are dynamic members (AddQueueMember from the *45 login code, membername",
        "; Agent/<ext>); after-call work is a pause with reason ACW set by the agent desktop,",
        "; so wrapuptime stays 0. Queue() runs as Queue(<name>,t,,,"
        f"{profile.queue_timeout_seconds}) in [{QUEUE_CONTEXT}].",
        "",
        "[general]",
        "persistentmembers = yes",
        "autofill = yes",
        "monitor-type = MixMonitor",
        "shared_lastcall = yes",
        "log_membername_as_agent = yes",
        "negative_penalty_invalid = no",
        "",
    ]
    for spec in specs:
        lines += [
            f"[{spec.name}]",
            f"; {spec.label} -- extension {spec.extension}",
            "musicclass = default",
            f"strategy = {spec.strategy}",
            f"servicelevel = {spec.service_level_seconds}",
            f"timeout = {profile.member_ring_timeout_seconds}",
            f"retry = {profile.retry_seconds}",
            "wrapuptime = 0",
            f"maxlen = {spec.maxlen}",
            "weight = 0",
            "ringinuse = no",
            "autopause = no",
            "joinempty = unavailable,invalid",
            "leavewhenempty = unavailable,invalid",
            "announce-frequency = 0",
            "announce-holdtime = no",
            "periodic-announce = custom/ofrecer-rellamada",
            f"periodic-announce-frequency = {profile.periodic_announce_seconds}",
            "context = queue-callback",
            "setinterfacevar = yes",
            "setqueueentryvar = yes",
            "reportholdtime = no",
            "timeoutrestart = no",
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def write_roster(path: Path, agents: Sequence[AgentSpec], site_id: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(
            ["agent_id", "agent_name", "team", "site_id", "role", "hire_date", "leave_date"]
        )
        for a in agents:
            out.writerow([a.agent_id, a.name, a.team, site_id, a.role, a.hire_date.isoformat(), ""])
