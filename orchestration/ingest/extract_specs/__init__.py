"""Declarations of the business extracts, one module per family of source systems.

Every module here is imported by `orchestration.ingest.extracts` and calls `register(...)`
with its `ExtractSpec`s; the raw table, landing folder, reader, contract and Dagster asset of
each follow from the declaration (docs/extending.md, "A new business extract").
"""
