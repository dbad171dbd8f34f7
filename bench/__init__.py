"""Benchmarks that print figures, run on demand (never part of the test suite).

    python -m bench                      # every benchmark, small (scale 0.01), on SQLite and PostgreSQL
    python -m bench evaluation --scale 1.0
    python -m bench imports --engine postgres --scale 1.0
    python -m bench pages --scale 1.0
    python -m bench certificates

Each benchmark also measures, in the same run, the floor it is compared with (the bare SQL, a bare insert,
the same page on a 100-school database, a bare WeasyPrint render) and prints the ratio. See
docs/performance.md for the figures and how to reproduce them.
"""
