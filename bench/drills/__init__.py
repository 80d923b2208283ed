"""Failure drills: the mesh under steady load through the edge while something breaks.

    make drill                       # all four, full length, each printing its figures
    .venv/bin/python -m bench.drills kill rolling postgres vies --seconds 30

1. kill      SIGKILL one of two ledger replicas: no failed request, every entry once
2. rolling   rolling restart of every replica of every service: no failed request
3. postgres  a private PostgreSQL stopped for 10 s: only 503s meanwhile, recovery within 5 s
4. vies      the VIES stand-in down, then slow: VIES checks 503 or stale in time, the rest fine

The suite runs short versions of each (tests/mesh/test_drills.py).
"""
