"""`propdesk sync join|run|status`: the counter side of central sync (docs/sync.md). Lives in
drivers because it opens the HTTP link; registered through the propdesk.commands entry point
(app never imports drivers)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from app.cli import Result, command
from app.config import Settings
from app.context import AppContext
from app.errors import InputError
from app.services import users
from app.services.sync import join as join_service
from app.services.sync import link_store, loop
from app.services.sync.errors import CentralError
from app.services.sync.standalone import is_joined
from app.services.sync.status import status
from drivers.central import open_link

STATUS_TIMEOUT = (3.0, 5.0)  # `sync status` asks central whether it answers; it must not hang


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["join", "run", "status"])
    p.add_argument("--central", metavar="URL", help="join: the central server, e.g. http://10.0.0.5:8765")
    p.add_argument("--token", help="join: this terminal's token, as `terminal add` printed it at central")
    p.add_argument("--once", action="store_true", help="run: one round (push, then pull), then exit")


def _progress(community: str, table: str, rows: int) -> None:
    sys.stderr.write(f"\r{community} · {table}: {rows}    ")
    sys.stderr.flush()


def _linked(ctx: AppContext) -> link_store.LinkConfig:
    store = link_store.link_path(ctx.settings.db_url)
    conf = link_store.load(store)
    if conf is None:
        with ctx.uow() as s:
            joined = is_joined(s)
        raise InputError("sync.link_missing", path=str(store)) if joined else InputError("sync.not_joined")
    return conf


def _join(ctx: AppContext, args: argparse.Namespace) -> Result:
    if not args.central or not args.token:
        raise InputError("sync.join_needs_central")
    with ctx.uow() as s:
        users.require(s, ctx.user, "settings")
    store = link_store.link_path(ctx.settings.db_url)
    central, token = join_service.validate(store, args.central, args.token)
    link = open_link(link_store.LinkConfig(central, token, ctx.terminal))
    try:
        doc = join_service.join(ctx.uow, link, ctx.terminal, store, central, token,
                                progress=_progress if sys.stderr.isatty() else None)
    finally:
        link.close()
    out = {"central": doc["central"], "pulled": doc["pulled"], "communities": doc["communities"]}
    return Result(out, f"已接入总部 joined {doc['central']}: {', '.join(doc['communities'])} · "
                       f"已同步 pulled {doc['pulled']}")


def _run(ctx: AppContext, args: argparse.Namespace) -> Result:
    conf = _linked(ctx)
    link = open_link(conf)
    try:
        if args.once:
            r = loop.run_once(ctx.uow, link, ctx.terminal)
            doc = r.as_dict()
        else:
            doc = _run_until_stopped(ctx, link)
    finally:
        link.close()
    return Result(doc, f"已上传 pushed {doc['pushed']} · 已下载 pulled {doc['pulled']} · "
                       f"待上传 pending {doc['pending']} · 异常 rejected {doc['rejected']}")


def _run_until_stopped(ctx: AppContext, link: Any) -> dict[str, int]:
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        state = loop.run_forever(ctx.uow, link, ctx.terminal, stop, on_state=_Reporter())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if state.error is not None and not state.error.retryable:
        raise state.error
    return {**state.totals, "pending": state.pending, "rejected": state.rejected}


class _Reporter:
    """One stderr line when the link goes online or offline (not one per round)."""

    def __init__(self) -> None:
        self.last: tuple[bool, str | None] | None = None

    def __call__(self, state: loop.LoopState) -> None:
        key = (state.online, state.error.code if state.error else None)
        if key == self.last:
            return
        self.last = key
        if state.online:
            sys.stderr.write(f"在线 online · 待上传 pending {state.pending}\n")
        else:
            assert state.error is not None
            sys.stderr.write(f"离线 offline · 待上传 pending {state.pending}: {state.error.text('en')}\n")
        sys.stderr.flush()


def _status(ctx: AppContext) -> Result:
    conf = link_store.load(link_store.link_path(ctx.settings.db_url))
    online = None
    if conf is not None:
        from drivers.central.http import HttpCentralLink

        link = HttpCentralLink(conf.central, conf.token, timeout=STATUS_TIMEOUT)
        try:
            link.hello()
            online = True
        except CentralError:
            online = False
        finally:
            link.close()
    with ctx.uow() as s:
        doc = status(s, conf, online)
    text = (f"总部 central: {doc['central'] or '未接入 not joined'} · {'在线 online' if doc['online'] else '离线 offline'}"
            f" · 待上传 pending {doc['pending']} · 异常 rejected {doc['rejected']}"
            f" · 上传 pushed {doc['last_push_at'] or '-'} · 下载 pulled {doc['last_pull_at'] or '-'}")
    return Result(doc, text)


@command("sync", "link this counter to central (join), push and pull (run), or show the link's state (status)", _args)
def run_sync(settings: Settings, args: argparse.Namespace) -> Result:
    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        if args.action == "join":
            return _join(ctx, args)
        if args.action == "run":
            return _run(ctx, args)
        return _status(ctx)
    finally:
        ctx.close()
