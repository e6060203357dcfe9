"""One agent's rows of kpi_values.csv (the agent page's data): `--agent=<page name>`.

Framework runs it once per agent page whose file orchestration/site.py did not write
beforehand (_pages.py: all agents in one pass)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _pages import run_page_loader  # noqa: E402

run_page_loader("agents", "agent")
