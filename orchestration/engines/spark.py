"""Local Spark (pyspark from PyPI, `method: session`) for the `spark` dbt target.

Spark always starts with Hive support here, and its embedded Derby metastore, its
warehouse folder and derby.log would land in the working folder: every path is pinned
under one project-relative folder, `warehouse/spark/` (or CCWH_SPARK_DIR), with the same
settings the `spark` output of profiles.yml passes as `server_side_parameters`:

    warehouse/spark/metastore_db      the Hive metastore (embedded Derby: one process at a time)
    warehouse/spark/spark-warehouse   managed tables (Parquet), one folder per schema
    warehouse/spark/derby.log

The session time zone is UTC: timestamps are naive UTC in every engine, and dbt-spark's
dateadd / datediff go through unix timestamps, which read the session zone.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.config import PROJECT_DIR

DEFAULT_DIR = PROJECT_DIR / "warehouse" / "spark"


def spark_dir() -> Path:
    value = Path(os.environ.get("CCWH_SPARK_DIR", str(DEFAULT_DIR)))
    return (value if value.is_absolute() else PROJECT_DIR / value).resolve()


def spark_conf(root: Path) -> dict[str, str]:
    """The session settings; keep in step with the `spark` output of profiles.yml."""
    root = Path(root).resolve()
    return {
        "spark.master": "local[*]",
        "spark.sql.warehouse.dir": str(root / "spark-warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={root / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={root}",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.driver.memory": "2g",
        "spark.sql.ansi.enabled": "false",
        # the embedded Derby metastore cannot filter the staging tables' `_file_name`
        # partitions by value (INTERNAL_ERROR_HIVE_METASTORE_PARTITION_FILTER); list them all
        "spark.sql.hive.metastorePartitionPruningFallbackOnException": "true",
    }


def dbt_env(root: Path | None = None) -> dict[str, str]:
    """What the `spark` target of profiles.yml reads."""
    return {
        "CCWH_DBT_TARGET": "spark",
        "CCWH_SPARK_DIR": str(Path(root or spark_dir()).resolve()),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


def session(root: Path | None = None):
    """A local SparkSession with the project's settings (stop it before dbt runs)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    root = Path(root or spark_dir())
    root.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("ccwh-export").enableHiveSupport()
    for key, value in spark_conf(root).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
