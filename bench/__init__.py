"""Benchmark of the whole pipeline on simulated centers (`make bench`, `python -m bench`).

Not part of `make test`. See bench/RESULTS.md for the last results and bench/README.md
for what is measured and how.
"""
