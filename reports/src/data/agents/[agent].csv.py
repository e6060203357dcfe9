"""One agent's rows of kpi_values.csv (the agent page's data): `--agent=<page name>`.

Framework runs it once per agent page whose file orchestration/site.py did not write
beforehand (_pages.py: all agents in one pass)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _pages import write_one  # noqa: E402

args = dict(a.removeprefix("--").split("=", 1) for a in sys.argv[1:] if "=" in a)
if "agent" not in args:
    sys.exit("data loader agents/[agent].csv.py: pass --agent=<page name>")
write_one("agents", args["agent"])
