"""Other engines for the same dbt project: a local PostgreSQL server, local Spark, and the
copy of the raw layer from DuckDB to them (README, "Other engines").

    python -m orchestration.engines postgres start | stop | status
    python -m orchestration.engines export postgres | spark   [--warehouse warehouse/ccwh.duckdb]

The engines' Python packages are the optional extra `engines` (pip install -e '.[engines]').
"""

from orchestration.engines.export import (
    RawExport,
    export_parquet,
    export_raw_to_postgres,
    export_raw_to_spark,
    load_postgres,
    load_spark,
    read_manifest,
)
from orchestration.engines.postgres import PostgresServer

__all__ = [
    "PostgresServer",
    "RawExport",
    "export_parquet",
    "export_raw_to_postgres",
    "export_raw_to_spark",
    "load_postgres",
    "load_spark",
    "read_manifest",
]
