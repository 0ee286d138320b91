"""python-escpos's printer database is cached once per user, never in a new temp folder per start."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = ("import app.printing.escpos_layout, escpos.capabilities as c, os; "
        "print(os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR']); print(len(c.CAPABILITIES['profiles']))")


def _start(tmp: Path, cache: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env.update(TMPDIR=str(tmp), XDG_CACHE_HOME=str(cache), LOCALAPPDATA=str(cache))
    out = subprocess.run([sys.executable, "-c", CODE], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_starts_leave_no_temp_folder_and_share_one_whole_pickle(tmp_path: Path) -> None:
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    folder, profiles = _start(tmp, cache)
    assert Path(folder).is_relative_to(cache)
    pickles = list(Path(folder).glob("*.capabilities.pickle"))
    assert len(pickles) == 1
    written = pickles[0].stat().st_mtime_ns
    with open(pickles[0], "rb") as f:
        assert len(pickle.load(f)["profiles"]) == int(profiles) > 10
    assert _start(tmp, cache) == [folder, profiles]  # the second start reads the cache
    assert pickles[0].stat().st_mtime_ns == written
    assert list(tmp.iterdir()) == []
    assert [p.name for p in Path(folder).iterdir()] == [pickles[0].name]  # no temporary file left


def test_an_unwritable_cache_falls_back_to_a_temp_folder_removed_at_exit(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    folder, profiles = _start(tmp, blocker)
    assert Path(folder).parent == tmp and int(profiles) > 10
    assert list(tmp.iterdir()) == []
