"""The agents' rows of one KPI family page's KPIs (its by-agent table, loaded on request):
`--family=<page name>`.

Framework runs it once per family page whose file orchestration/site.py did not write
beforehand (_pages.py: all pages in one pass)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _pages import run_page_loader  # noqa: E402

run_page_loader("families", "family")
