"""One cache folder for python-escpos's printer database.

python-escpos parses its 1 MB capabilities.json with PyYAML at import (~0.2 s) and caches
the result as a pickle in ESCPOS_CAPABILITIES_PICKLE_DIR, or, when that is not set, in a new
`mkdtemp()` folder at every import — so every start of PropDesk parsed it again and left a
76 KB folder in the temp dir (6,000 of them on the test machine after a few weeks). Here the
folder is the user's cache dir, and the pickle is written once, whole (a temporary file
renamed over it), so two processes starting together never read half of it — python-escpos
itself writes it in place. python-escpos also calls `mkdtemp()` for its default even when
the variable is set (the default argument of `environ.get` is evaluated first): `prepare`
imports it once with that folder recorded and removed.
"""

from __future__ import annotations

import atexit
import os
import pickle
import platform
import shutil
import sys
import tempfile
import threading
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import as_file, files
from pathlib import Path

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def prepare() -> None:
    """Call before the first `import escpos.…` of the process (idempotent)."""
    if "escpos.capabilities" in sys.modules:
        return
    if not os.environ.get(ENV):
        try:
            os.environ[ENV] = str(_cache_folder())
        except (OSError, pickle.PickleError, ValueError):
            # A read-only or full home: a folder of our own for this process, removed at exit.
            folder = tempfile.mkdtemp(prefix="propdesk-escpos-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            os.environ[ENV] = folder
    _import_without_its_temp_folder()


def _import_without_its_temp_folder() -> None:
    made: list[str] = []
    real, me = tempfile.mkdtemp, threading.get_ident()

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        folder = real(*args, **kwargs)
        if threading.get_ident() == me:  # never another thread's folder
            made.append(folder)
        return folder

    tempfile.mkdtemp = recording  # type: ignore[assignment]
    try:
        import escpos.capabilities  # noqa: F401
    finally:
        tempfile.mkdtemp = real  # type: ignore[assignment]
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


def _cache_folder() -> Path:
    import platformdirs

    try:
        lib = version("python-escpos")
    except PackageNotFoundError:  # a frozen build without the package's metadata
        lib = "unknown"
    folder = Path(platformdirs.user_cache_dir("PropDesk", appauthor=False)) / "escpos" / lib
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    with as_file(files("escpos") / "capabilities.json") as source:
        source_mtime = source.stat().st_mtime
        if target.exists() and target.stat().st_mtime >= source_mtime:
            return folder
        import yaml

        with open(source, encoding="utf-8") as f:
            capabilities = yaml.safe_load(f)  # exactly what python-escpos does
    if not capabilities:
        raise ValueError("capabilities.json could not be read")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".capabilities-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            pickle.dump(capabilities, out, protocol=2)
        # python-escpos re-parses (and rewrites in place) when the json is the newer file.
        stamp = max(source_mtime, os.stat(tmp).st_mtime)
        os.utime(tmp, (stamp, stamp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return folder
