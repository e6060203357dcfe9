"""Contact-center warehouse: ingestion, simulation and orchestration (Dagster)."""
