"""What the sync benchmarks share: a central PostgreSQL database (given with --db, or a
throwaway server started here, fsync off like the tests' one), the demo company on it and
`central serve` behind the (pass-through) proxy, via tests/support/sync_world.py."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import pgserver
from tests.support.processes import REPO, Processes, base_env
from tests.support.sync_world import World


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


@contextmanager
def central_db(db: str | None) -> Iterator[str]:
    """The given (empty) PostgreSQL database, or one on a throwaway server."""
    if db:
        yield db
        return
    server = pgserver.start()
    try:
        yield server.create_database("propdesk_bench")
    finally:
        server.stop()


@contextmanager
def bench_world(db: str | None, rooms: int, workdir: str | None = None) -> Iterator[tuple[World, float]]:
    """(world, seconds the central demo took to build)."""
    with central_db(db) as url:
        work = Path(workdir or tempfile.mkdtemp(prefix="propdesk-sync-bench-"))
        procs = Processes(work / "procs")
        world = None
        try:
            t0 = time.perf_counter()
            world = World.create(url, work, procs, rooms=rooms)
            yield world, time.perf_counter() - t0
        finally:
            if world is not None:
                world.close()
            procs.cleanup()
            if not workdir:  # ours: counters' databases and logs go with it
                import shutil

                shutil.rmtree(work, ignore_errors=True)


def cli_startup_seconds() -> float:
    """What starting `propdesk` costs here (every `sync run` subprocess pays it once)."""
    import subprocess
    import sys

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app.cli", "--help"], cwd=REPO, env=base_env(), check=True,
                   capture_output=True)
    return round(time.perf_counter() - t0, 2)
