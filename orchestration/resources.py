"""Dagster resources: where the warehouse and the landing folder are."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.config import settings


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file and the landing folder it is loaded from.

    Defaults come from the environment (CCWH_WAREHOUSE, CCWH_LANDING) through
    `orchestration.config.settings()`, so `make serve` and `ccwh run` agree.
    """

    warehouse_path: str = str(settings().warehouse_path)
    landing_dir: str = str(settings().landing_dir)

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_path)

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)
