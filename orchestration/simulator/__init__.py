"""Simulator of an Asterisk contact center: writes the landing folder the warehouse ingests.

`simulate(out_dir, days=28, agents=40, ...)` runs a discrete-event simulation of a
Madrid inbound center (sales, support, billing) and writes, per docs/contracts.md §1:
`asterisk/queue_log/queue_log-YYYYMMDD`, `asterisk/cdr/Master-YYYYMMDD.csv`,
`asterisk/queues.conf` and `roster/agents.csv`.

queue_log events written (file format `epoch|callid|queue|agent|EVENT|data...`):
- calls: ENTERQUEUE, RINGNOANSWER, RINGCANCELED, CONNECT, HOLD, UNHOLD, COMPLETECALLER,
  COMPLETEAGENT, BLINDTRANSFER, ATTENDEDTRANSFER, ABANDON, EXITWITHTIMEOUT, EXITWITHKEY,
  EXITEMPTY;
- agents: ADDMEMBER, REMOVEMEMBER, PAUSE, UNPAUSE (and PAUSEALL, UNPAUSEALL when
  `CenterProfile.pause_all_queues` is set).

Agent scheme: dynamic members. A login feature code runs AddQueueMember once per skill
queue (ADDMEMBER, callid = the login call's uniqueid, agent = the member name `Agent/1001`
since `log_membername_as_agent = yes`); logging off runs RemoveQueueMember (REMOVEMEMBER).
Pauses go through PauseQueueMember/UnpauseQueueMember (AMI QueuePause) for each of the
agent's queues, so app_queue.c writes `PAUSE|<reason>` and `UNPAUSE|` with callid `NONE`
and the queue's name. (Pausing without a queue name makes app_queue.c write one extra
`NONE|NONE|<member>|PAUSEALL|` line, without the reason, before the per-queue PAUSE lines;
`pause_all_queues=True` simulates that.) Reasons: ACW right after every call, Break, Lunch,
Training, Meeting, Personal. Agents pause only while logged in.

Demand is sized to the staff: 40 queue calls per agent on an average weekday for the
reference center (40 agents, sales/support/billing), scaled for pooling (bigger centers run
at higher occupancy for the same service level) and for the queue mix's handle time.
Shifts follow the demand curve (8 h continuous, 8 h split in two halves -- logging in twice
--, 6 h, 4 h); Saturdays 09:00-14:00 on a rota; closed on Sundays and at night.

CDR rows: one per queue visit (uniqueid = linkedid = the queue_log callid, dst = the
queue's extension, lastapp Queue, answer = CONNECT time or empty), one more for the leg
after a transfer to a desk or an outside number (lastapp Dial).
Calls that never join a queue (trunk BUSY/CONGESTION/FAILED, hang-up during the welcome
message, queue full or without members) have a CDR row only: app_queue.c writes nothing
to queue_log when Queue() cannot join (QUEUESTATUS=FULL / JOINEMPTY, kept in the CDR
userfield).
"""

from orchestration.simulator.simulation import SimulationConfig, SimulationSummary, simulate

__all__ = ["SimulationConfig", "SimulationSummary", "simulate"]
