"""`propdesk gui [--demo] [--screenshot FILE] [--lang zh_CN|en]` — registered via the
propdesk.commands entry point. With --screenshot there is no login: the window opens as
the global --user (default admin)."""

from __future__ import annotations

import argparse

from app.cli import command
from app.config import Settings


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--demo", action="store_true", help="create a demo database first when it is empty")
    p.add_argument("--screenshot", metavar="FILE", help="render the main window to PNG after loading, then exit")
    p.add_argument("--screen", default="checkout",
                   help="with --screenshot: which screen to render: checkout (default), receipts, shift-close, "
                        "first-run (the first-run wizard's first page, stores nothing), or a registered "
                        "screen's name (ui/tabs.py, e.g. exceptions)")
    p.add_argument("--room", help="with --screenshot: find this household first (e.g. 3-2-1502)")
    p.add_argument("--size", default="1366x768", help="with --screenshot: window size WxH (default 1366x768)")
    p.add_argument("--lang", dest="ui_lang", choices=("zh_CN", "zh", "en"),
                   help="UI language: zh_CN (default) or en; `propdesk --lang en gui` works too")


def ui_language(args: argparse.Namespace, settings: Settings | None = None) -> str:
    """`gui --lang`, else the global `propdesk --lang` (or PROPDESK_LANG), else what the first-run
    wizard saved for this PC: Chinese unless English is asked for."""
    import os

    from app import counter_file

    saved = counter_file.saved_language(settings.db_url) if settings is not None else None
    lang = getattr(args, "ui_lang", None) or getattr(args, "lang", None) or os.environ.get("PROPDESK_LANG") or saved \
        or "zh"
    return "en" if lang == "en" else "zh_CN"


@command("gui", "the desktop app", _args)
def run(settings: Settings, args: argparse.Namespace) -> None:
    from ui.app import run_gui

    code = run_gui(settings, demo=args.demo, screenshot=args.screenshot, lang=ui_language(args, settings),
                   screen=args.screen, room=args.room, size=args.size)
    if code:
        raise SystemExit(code)
