"""A short run of bench/common_paths.py, the instrument for the common paths' goals (README),
so that it keeps working: every path it measures answers, with no error, on a mesh of its own.
The figures are the bench's to print, not the suite's to judge."""

import asyncio

from bench import common_paths
from bench.ledger_common import ledger_mesh

COMMON_PATHS = {"jwks", "me", "entry", "list", "list_full", "create", "create_rid"}


def test_the_common_paths_bench_measures_every_path_without_an_error():
    with ledger_mesh() as mesh:
        found = asyncio.run(common_paths.run(mesh, seconds=0.5, concurrency=4, only=[], rounds=1, warm=0.2))
    assert set(found) == COMMON_PATHS
    for key, (rate, errors) in found.items():
        assert errors == [], f"{key}: {errors[:3]}"
        assert rate > 0, key
