"""Dagster assets, one module per stage: ingest → dbt → report site."""
