"""`propdesk` command line (README.md, "Commands"). Every command the GUI has to data lives here
too. The commands live in the cmd_* modules; what they share (unit of work, options) in common.

Exit status: 0 done; 2 bad input (nothing changed, the message says what and where);
1 any other failure. Results go to stdout (JSON with --json), messages to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from app.config import Settings
from app.errors import AppError

# Each command module registers (name, add_arguments, run) here at import time.
Command = tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[Any, argparse.Namespace], Any]]
COMMANDS: list[Command] = []


def command(name: str, help_: str, add_arguments: Callable[[argparse.ArgumentParser], None]):  # type: ignore[no-untyped-def]
    def deco(fn: Callable[[Any, argparse.Namespace], Any]):  # type: ignore[no-untyped-def]
        COMMANDS.append((name, help_, add_arguments, fn))
        return fn

    return deco


def _frozen_plugin_commands() -> list[tuple[str, str]]:
    """(name, module) of the plugin commands in a frozen build (installer/propdesk.spec writes
    them from pyproject.toml into propdesk_commands.txt beside the app's files): a PyInstaller
    app has no package metadata, so no entry points."""
    from pathlib import Path

    listed = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "propdesk_commands.txt"
    if not listed.is_file():
        return []
    pairs = (line.strip().partition("=") for line in listed.read_text(encoding="utf-8").splitlines())
    return [(name.strip(), module.strip()) for name, _, module in pairs if name.strip() and module.strip()]


def _load_plugin_commands() -> None:
    """Commands living outside `app` register through the `propdesk.commands` entry point
    group: the desktop GUI (`ui`) adds `gui` this way, so `app` never imports Qt."""
    import importlib
    from importlib.metadata import entry_points

    loaded = {c[0] for c in COMMANDS}
    if getattr(sys, "frozen", False):
        for name, module in _frozen_plugin_commands():
            if name not in loaded:
                importlib.import_module(module)
        return
    for ep in entry_points(group="propdesk.commands"):
        if ep.name not in loaded:
            ep.load()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 already; make the text say where
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    from app.cli import commands  # noqa: F401  (registers the commands)

    _load_plugin_commands()

    p = _Parser(prog="propdesk", description="PropDesk 物业前台收银台")
    p.add_argument("--db", help="SQLAlchemy URL (env PROPDESK_DB); default: SQLite in the user data dir")
    p.add_argument("--terminal", help="this counter's code (env PROPDESK_TERMINAL, default T1)")
    p.add_argument("--user", help="acting user (env PROPDESK_USER, default admin, or the `login` session's user)")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the acting user's password from the first line of standard input (else env "
                        "PROPDESK_PASSWORD, a `propdesk login` session, or a prompt); read-only commands need none")
    p.add_argument("--lang", choices=["zh", "en"],
                   help="language of messages (env PROPDESK_LANG): zh (default, Chinese with the English after it) "
                        "or en (English only)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, help_, add_args, fn in COMMANDS:
        sp = sub.add_parser(name, help=help_, description=help_)
        add_args(sp)
        sp.add_argument("--json", action="store_true", help="machine-readable result on stdout")
        sp.set_defaults(run=fn)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = args.lang or os.environ.get("PROPDESK_LANG") or "zh"
    from app.cli import sign_in

    sign_in.reset_stdin()
    try:
        settings = Settings.load(db=args.db, terminal=args.terminal, user=args.user)  # may refuse --terminal
        # The one sign-in gate (app/cli/sign_in.py): data-changing commands need the password.
        settings = sign_in.gate(settings, args, user_explicit=bool(args.user or os.environ.get("PROPDESK_USER")))
        result = args.run(settings, args)
    except AppError as e:
        if getattr(args, "json", False):
            print(json.dumps(e.as_dict(), ensure_ascii=False), file=sys.stderr)
        print(error_lines(e, lang), file=sys.stderr)
        return e.exit_status
    except KeyboardInterrupt:
        return 1
    except Exception as e:  # noqa: BLE001 — the CLI's last line of defence: say it, exit 1
        from app.messages import describe

        print(f"失败：{describe(e, 'zh')}" if lang == "zh" else f"failed: {describe(e, 'en')}", file=sys.stderr)
        return 1
    if result is not None:
        try:
            if args.json:
                print(json.dumps(result.json, ensure_ascii=False, indent=None, default=str))
            else:
                print(result.text)
        except BrokenPipeError:  # `propdesk … | head`: the reader left; the work is done
            pass
    return 0


def error_lines(e: AppError, lang: str) -> str:
    """The one place the CLI puts an error in words: Chinese with the English after it, or
    English only with `--lang en`."""
    from app.messages import error_text

    en = error_text(e, "en")
    if lang == "en":
        return f"error: {en}"
    zh = error_text(e, "zh")
    return f"错误：{zh}" + ("" if en == zh else f"\nerror: {en}")


class Result:
    """What a command returns: a JSON document and the human text for it."""

    def __init__(self, json_doc: Any, text: str) -> None:
        self.json = json_doc
        self.text = text


if __name__ == "__main__":
    raise SystemExit(main())
