"""One team's rows of kpi_values.csv (the team page's data): `--team=<page name>`.

Framework runs it once per team page whose file orchestration/site.py did not write
beforehand (_pages.py: all teams in one pass)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _pages import write_one  # noqa: E402

args = dict(a.removeprefix("--").split("=", 1) for a in sys.argv[1:] if "=" in a)
if "team" not in args:
    sys.exit("data loader teams/[team].csv.py: pass --team=<page name>")
write_one("teams", args["team"])
