"""A benchmark's working folder: the one given with --dir (kept), or a fresh temporary one
removed when the benchmark ends — a 100,000-room run leaves over a gigabyte of databases,
and leftovers from repeated runs once filled this machine's disk."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_dir(given: str | None, prefix: str = "propdesk-bench-") -> Iterator[Path]:
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
