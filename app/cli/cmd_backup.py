"""`propdesk backup -o FILE [--encrypt]`, `backup --auto [--folder DIR]` and
`propdesk restore FILE -o NEWPATH` (docs/security.md "Backups").

The passphrase of an encrypted backup comes from PROPDESK_BACKUP_PASSPHRASE or, on a terminal,
a prompt; it is never an option (it would sit in the shell history)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

from app import clock
from app.cli import Result, command
from app.config import Settings
from app.errors import InputError
from app.messages import render

PASSPHRASE_ENV = "PROPDESK_BACKUP_PASSPHRASE"


def _passphrase(required_code: str, confirm: bool) -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise InputError(required_code)
    value = getpass.getpass("备份密码 backup passphrase: ")
    if confirm and value != getpass.getpass("再输一次 again: "):
        raise InputError("backup.wrong_passphrase")
    if not value:
        raise InputError(required_code)
    return value


def _backup_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", help="the backup file to write (must not exist)")
    p.add_argument("--encrypt", action="store_true", help=f"encrypt with a passphrase ({PASSPHRASE_ENV} or a prompt)")
    p.add_argument("--auto", action="store_true",
                   help="today's automatic backup into the chosen folder, then rotation (7 daily, 4 weekly)")
    p.add_argument("--folder", help="--auto: the folder (remembered for the next time)")


def _done(r: dict, restored: bool = False) -> Result:
    from app.services import backup as backups

    msg = backups.result_msg(r, restored)
    doc = {k: r[k] for k in ("file", "bytes", "ok")} | {k: r[k] for k in ("encrypted", "skipped", "removed", "checks")
                                                          if k in r}
    if not r["ok"]:
        print(json.dumps(doc, ensure_ascii=False, default=str))
        print(render(backups_failed(r), "zh"), file=sys.stderr)
        raise SystemExit(1)
    return Result(doc, f"{render(msg, 'zh')}\n{render(msg, 'en')}")


def backups_failed(r: dict):  # type: ignore[no-untyped-def]
    from app.errors import Msg
    from app.services import backup as backups

    return Msg.of("backup.verify_failed", why=backups._why(r["checks"]))


def _may(settings: Settings) -> None:
    """Backups copy every resident's data and restores bring a database back: `settings` (the
    admin's right, docs/permissions.md), checked before any file is touched."""
    from app.cli.common import in_uow
    from app.services import users

    in_uow(settings, lambda s: users.require(s, settings.user, "settings"))


@command("backup", "online backup of the local database, verified (integrity, ledger, audit chain)", _backup_args)
def run_backup(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services import backup as backups  # cryptography only when backing up

    _may(settings)
    if args.auto:
        folder = args.folder or backups.get_folder(settings.db_url)
        if args.folder:
            backups.set_folder(settings.db_url, args.folder)
        r = backups.auto_backup(settings.db_url, folder, clock.today(), os.environ.get(PASSPHRASE_ENV) or None)
        return _done(r)
    if not args.output:
        raise InputError("backup.output_required")
    passphrase = _passphrase("backup.passphrase_required", confirm=True) if args.encrypt else None
    return _done(backups.backup(settings.db_url, args.output, passphrase))


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the backup file")
    p.add_argument("-o", "--output", required=True, help="where the restored database goes (new or empty)")


@command("restore", "restore a backup into a new database file, verified before use", _restore_args)
def run_restore(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services import backup as backups
    from app.services.backup_crypto import is_encrypted

    _may(settings)
    if not os.path.isfile(args.file):
        raise InputError("backup.no_file", path=args.file)
    passphrase = _passphrase("backup.no_passphrase", confirm=False) if is_encrypted(args.file) else None
    return _done(backups.restore(args.file, args.output, passphrase), restored=True)
