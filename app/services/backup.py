"""Backups of the counter's SQLite database, their restore, and the automatic daily backup
with rotation (docs/security.md "Backups").

`backup` copies with SQLite's online backup API in one step: a read transaction on the live
database (WAL readers never block the writer), so the copy is one consistent moment even
while payments are being taken. The copy is then checked — `PRAGMA integrity_check`, the
ledger check and the audit chain — before it is reported; `--encrypt` streams it through
app/services/backup_crypto.py. `restore` never overwrites anything: the target must be new
or empty; the backup is decrypted and checked next to it and only then moved into place.

Files are created readable by this OS user only (0600).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from app.errors import InputError, Msg
from app.services import backup_crypto

SQLITE_MAGIC = b"SQLite format 3\x00"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
AUTO_PREFIX = "propdesk-"


def sqlite_path(db_url: str) -> Path:
    u = make_url(db_url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        raise InputError("backup.not_sqlite")
    return Path(u.database).expanduser()


def _private_file(path: Path) -> None:
    """Create `path` empty, 0600, failing if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _tmp_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def _remove(*paths: Path) -> None:
    for p in paths:
        for q in (p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm"), p.with_name(p.name + "-journal")):
            try:
                q.unlink()
            except FileNotFoundError:
                pass


def _single_file(path: Path) -> None:
    """Fold any WAL into the file and leave it in rollback-journal mode: one self-contained file."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def check_file(path: Path, *, migrate: bool = False) -> dict[str, Any]:
    """integrity_check, then (on the schema brought to head when `migrate`) the ledger check
    and the audit chain. {"ok", "integrity", "ledger_ok", "audit": {...}}."""
    with open(path, "rb") as f:
        if f.read(16) != SQLITE_MAGIC:
            raise InputError("backup.damaged", why="not a SQLite database")
    con = sqlite3.connect(path)
    try:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as e:
        raise InputError("backup.damaged", why=str(e)) from None
    finally:
        con.close()
    if integrity != ["ok"]:
        return {"ok": False, "integrity": integrity[:20], "ledger_ok": None, "audit": None}
    from app.context import AppContext
    from app.services import audit
    from app.services.ledger_check import full_check

    ctx = AppContext.open(f"sqlite:///{path}", migrate=migrate)
    try:
        with ctx.uow() as s:
            ledger = full_check(s)
            chain = audit.verify(s)
    finally:
        ctx.close()
    _single_file(path)
    return {"ok": ledger["ok"] and chain["ok"], "integrity": "ok", "ledger_ok": ledger["ok"],
            "ledger_failed": [c["name"] for c in ledger["checks"] if not c["ok"]],
            "audit": {"ok": chain["ok"], "events": chain["events"], "first_bad": chain["first_bad"]}}


def backup(db_url: str, out: str | os.PathLike, passphrase: str | None = None) -> dict[str, Any]:
    """{"file", "bytes", "ok", "encrypted", "checks"}. The file is kept even when a check fails
    (a copy of damaged books is still evidence); `ok` says whether it passed."""
    src_path = sqlite_path(db_url)
    out = Path(out).expanduser().resolve()
    if out.exists():
        raise InputError("backup.target_exists", path=str(out))
    if not src_path.exists():
        raise InputError("backup.no_file", path=str(src_path))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_beside(out)
    _private_file(tmp)
    try:
        src = sqlite3.connect(src_path)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # pages=-1: the whole database in one step, one consistent snapshot
        finally:
            dst.close()
            src.close()
        _single_file(tmp)
        checks = check_file(tmp)
        if checks["integrity"] != "ok":
            raise InputError("backup.verify_failed", why=f"integrity_check: {checks['integrity'][0]}")
        if passphrase:
            enc = _tmp_beside(out)
            _private_file(enc)
            try:
                with open(tmp, "rb") as fin, open(enc, "wb") as fout:
                    backup_crypto.encrypt(fin, fout, passphrase)
                    fout.flush()
                    os.fsync(fout.fileno())
                os.replace(enc, out)
            except BaseException:
                _remove(enc)
                raise
        else:
            os.replace(tmp, out)
    finally:
        _remove(tmp)
    os.chmod(out, 0o600)
    return {"file": str(out), "bytes": out.stat().st_size, "ok": checks["ok"], "encrypted": bool(passphrase),
            "checks": checks}


def restore(backup_file: str | os.PathLike, target: str | os.PathLike,
            passphrase: str | None = None) -> dict[str, Any]:
    """Restore into a new (or empty) file, checked before it is put in place; the schema is
    brought to this program's version. Refuses (InputError) a failed check: nothing is left."""
    src = Path(backup_file).expanduser()
    if not src.is_file():
        raise InputError("backup.no_file", path=str(src))
    target = Path(target).expanduser().resolve()
    if target.is_dir() or (target.exists() and target.stat().st_size > 0):
        raise InputError("backup.target_not_empty", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = _tmp_beside(target)
    _private_file(tmp)
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            if backup_crypto.is_encrypted(src):
                backup_crypto.decrypt(fin, fout, passphrase or "")
            else:
                while block := fin.read(1 << 20):
                    fout.write(block)
            fout.flush()
            os.fsync(fout.fileno())
        checks = check_file(tmp, migrate=True)
        if not checks["ok"]:
            raise InputError("backup.verify_failed", why=_why(checks))
        if target.exists() and target.stat().st_size > 0:  # someone wrote it meanwhile
            raise InputError("backup.target_not_empty", path=str(target))
        os.replace(tmp, target)
    finally:
        _remove(tmp)
    os.chmod(target, 0o600)
    return {"file": str(target), "bytes": target.stat().st_size, "ok": True, "checks": checks}


def _why(checks: dict) -> str:
    if checks["integrity"] != "ok":
        return f"integrity_check: {checks['integrity'][0]}"
    if not checks["ledger_ok"]:
        return "ledger check: " + ", ".join(checks.get("ledger_failed") or [])
    bad = (checks["audit"] or {}).get("first_bad") or {}
    return f"audit chain: {bad.get('reason')} {bad.get('chain', '')} {bad.get('seq', '')}".strip()


# --- automatic daily backups ---------------------------------------------------------------

def auto_name(day: date, encrypted: bool) -> str:
    return f"{AUTO_PREFIX}{day.isoformat()}{'.pdbak' if encrypted else '.db'}"


def _auto_day(name: str) -> date | None:
    if not name.startswith(AUTO_PREFIX):
        return None
    stem = name[len(AUTO_PREFIX):].split(".", 1)[0]
    try:
        return date.fromisoformat(stem)
    except ValueError:
        return None


def kept_days(days: list[date]) -> set[date]:
    """Which backup days rotation keeps: the KEEP_DAILY newest; then, of the older ones, the
    newest of each ISO week for the KEEP_WEEKLY newest weeks."""
    newest_first = sorted(set(days), reverse=True)
    keep = set(newest_first[:KEEP_DAILY])
    weeks: dict[tuple[int, int], date] = {}
    for d in newest_first[KEEP_DAILY:]:
        weeks.setdefault(d.isocalendar()[:2], d)  # newest first: the first seen is the week's newest
    keep.update(sorted(weeks.values(), reverse=True)[:KEEP_WEEKLY])
    return keep


def rotate(folder: Path) -> list[str]:
    """Delete the automatic backups rotation does not keep; the names removed."""
    files = {p: _auto_day(p.name) for p in folder.iterdir() if p.is_file()}
    files = {p: d for p, d in files.items() if d is not None}
    keep = kept_days(list(files.values()))
    removed = []
    for p, d in sorted(files.items()):
        if d not in keep:
            p.unlink()
            removed.append(p.name)
    return removed


def auto_backup(db_url: str, folder: str | os.PathLike | None, today: date,
                passphrase: str | None = None) -> dict[str, Any]:
    """Today's backup into `folder` unless there is one already, then rotation. Encrypted when a
    passphrase is given (the GUI passes PROPDESK_BACKUP_PASSPHRASE)."""
    if not folder:
        raise InputError("backup.no_folder")
    base = Path(folder).expanduser()
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = base / f".probe-{secrets.token_hex(4)}"
        probe.touch()
        probe.unlink()
    except OSError as e:
        raise InputError("backup.folder_unusable", path=str(base), why=e.strerror or str(e)) from None
    done = [p for p in base.iterdir() if _auto_day(p.name) == today]
    result: dict[str, Any]
    if done:
        result = {"file": str(done[0]), "bytes": done[0].stat().st_size, "ok": True, "skipped": True}
    else:
        result = backup(db_url, base / auto_name(today, bool(passphrase)), passphrase)
        result["skipped"] = False
    result["removed"] = rotate(base)
    return result


# --- the manager's chosen folder ---------------------------------------------------------

def _setting_path(db_url: str) -> Path:
    db = sqlite_path(db_url)
    return db.with_name(db.name + ".backup.json")


def get_folder(db_url: str) -> str | None:
    import json

    try:
        return json.loads(_setting_path(db_url).read_text(encoding="utf-8")).get("folder")
    except (FileNotFoundError, ValueError, AttributeError):
        return None


def set_folder(db_url: str, folder: str) -> None:
    import json

    path = _setting_path(db_url)
    tmp = _tmp_beside(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"folder": str(Path(folder).expanduser())}, f, ensure_ascii=False)
    os.replace(tmp, path)


def result_msg(r: dict[str, Any], restored: bool = False) -> Msg:
    return Msg.of("backup.restored" if restored else "backup.ok", file=r["file"], bytes=r["bytes"])



