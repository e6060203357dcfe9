"""Ingestion: landing files -> raw DuckDB tables, with a file ledger and a quarantine.

Contract: docs/contracts.md, sections 1 and 2. Every physical line of a file (of a JSON file:
every record) is loaded into its raw table or written to ``raw_ingest.quarantine`` with its line
number and a reason; each file's counts are in ``raw_ingest.file_ledger``. Sources: Asterisk
(`asterisk`), the roster (`roster`), Amazon Connect CTRs (`amazon_connect`, `records`) and any
other contact export through a mapping file (`mapping`). Great Expectations (`validate_raw`) is
imported only when a suite runs.
"""

from .expectations import ValidationResult, validate_raw
from .ledger import FileResult
from .pipeline import SOURCES, connect, ingest_landing, load_file, load_source

__all__ = [
    "SOURCES",
    "FileResult",
    "ValidationResult",
    "connect",
    "ingest_landing",
    "load_file",
    "load_source",
    "validate_raw",
]
