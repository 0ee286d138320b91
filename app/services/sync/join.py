"""Join: link this counter to a central (docs/sync.md "Join").

1. `hello` checks the token and that it belongs to this counter's terminal code.
2. For each community granted, the manifest (`snapshot(community)`: tables in load order and
   central's change number `last` when the snapshot began), then each table page by page,
   each page upserted in its own transaction (a 10,000-room community is not one giant
   transaction; a join cut off half way is simply run again — upserts are idempotent).
3. The link file is saved, then the `pull` cursor set to the lowest `last` of the manifests:
   that row is what makes the counter "joined" (`standalone.is_joined`). Changes committed
   while the pages were read come again through pull: rows are upserted again, harmlessly;
   an event whose rows the snapshot already brought is skipped (the `pull_overlap` cursor
   holds central's `last` after the pages, asked with a second manifest call).
4. Pull until central has nothing more.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import SyncCursor
from app.errors import InputError
from app.services.sync import link_store
from app.services.sync.central_link import CentralLink
from app.services.sync.errors import CentralBadReply
from app.services.sync.pull import OVERLAP_CURSOR, cursor, pull_all
from app.services.sync.snapshot_load import page_writer
from app.services.sync.standalone import PULL_CURSOR

Uow = Callable[[], AbstractContextManager[Session]]
Progress = Callable[[str, str, int], None]  # (community, table, rows so far in that table)
PAGE = 20000  # rows per snapshot page (central's most)
FETCHERS = 2  # tables fetched at once when pages may be written in any order
_URL = re.compile(r"https?://[^\s/]+(/[^\s]*)?")


def check_url(url: str) -> str:
    url = (url or "").strip()
    if not _URL.fullmatch(url):
        raise InputError("sync.bad_central_url", url=url)
    return url.rstrip("/")


def check_token(token: str) -> str:
    if not token or any(c.isspace() for c in token):
        raise InputError("sync.bad_token")
    return token


def validate(store: Path, central: str, token: str) -> tuple[str, str]:
    """The cleaned URL and token; refuses a second central (the counter's data would mix)."""
    central, token = check_url(central), check_token(token)
    current = link_store.load(store)
    if current is not None and current.central != central:
        raise InputError("sync.already_joined", central=current.central, new=central)
    return central, token


def _hello(link: CentralLink, terminal: str) -> list[str]:
    hello = link.hello()
    if not isinstance(hello, dict) or not isinstance(hello.get("communities"), list):
        raise CentralBadReply("sync.bad_reply", detail="hello")
    if hello.get("terminal") != terminal:
        raise InputError("sync.wrong_terminal", theirs=hello.get("terminal"), ours=terminal)
    # names; a central that lists communities as objects gives each one's "name"
    return [str(c["name"]) if isinstance(c, dict) and "name" in c else str(c) for c in hello["communities"]]


def _fetch_pages(link: CentralLink, community: str, tables: "queue.Queue[str]", page: int,
                 out: "queue.Queue[tuple[str, Any]]", stop: threading.Event) -> None:
    """Every page of each table taken from `tables` (pages of one table in order), into
    `out`; then ("done", None). A failure is handed over as ("error", exception): the loading
    thread raises it."""
    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    try:
        while not stop.is_set():
            try:
                table = tables.get_nowait()
            except queue.Empty:
                break
            after: str | None = None
            while not stop.is_set():
                reply: dict[str, Any] = link.snapshot(community, table, after, page)
                if not put(("page", (table, reply))):
                    return
                nxt = reply.get("next") if isinstance(reply, dict) else None
                if nxt is None or not reply.get("rows"):
                    break
                after = str(nxt)
        put(("done", None))
    except BaseException as e:  # noqa: BLE001 - handed to the loading thread
        put(("error", e))


def _page_rows(table: str, reply: Any) -> tuple[list[str], list[list[Any]]]:
    columns = reply.get("columns") if isinstance(reply, dict) else None
    rows = reply.get("rows") if isinstance(reply, dict) else None
    # set(map(...)): checked at C speed, a page is 20,000 rows
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns) or not isinstance(rows, list) \
            or not set(map(type, rows)) <= {list} or not set(map(len, rows)) <= {len(columns)}:
        raise CentralBadReply("sync.bad_reply", detail=f"snapshot {table}")
    return columns, rows


def snapshot_community(uow: Uow, link: CentralLink, community: str, page: int = PAGE,
                       progress: Progress | None = None) -> tuple[int, int, int]:
    """Load one community's snapshot; returns (rows written, central's `last` at its start,
    central's `last` after its last page).

    The next page is fetched (central reads it, the wire carries it, JSON is parsed) on a
    second thread while this one writes the current page: on a 10,000-room community the
    two halves take about as long as each other, so the join takes about the longer one."""
    manifest = link.snapshot(community)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), list) \
            or not isinstance(manifest.get("last"), int):
        raise CentralBadReply("sync.bad_reply", detail="snapshot manifest")
    tables: queue.Queue[str] = queue.Queue()
    for t in manifest["tables"]:
        tables.put(str(t))
    pages: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=3)
    stop = threading.Event()
    written = 0
    done: dict[str, int] = {}
    fetchers: list[threading.Thread] = []
    try:
        with page_writer(uow) as write:
            # Two tables are fetched at once where the pages may be written in any order
            # (SQLite: foreign keys are checked at the end), else one after the other.
            for i in range(FETCHERS if write.any_order else 1):
                fetchers.append(threading.Thread(target=_fetch_pages, args=(link, community, tables, page, pages, stop),
                                                 name=f"sync-join-fetch-{i}", daemon=True))
                fetchers[-1].start()
            running = len(fetchers)
            while running:
                kind, item = pages.get()
                if kind == "error":
                    raise item
                if kind == "done":
                    running -= 1
                    continue
                table, reply = item
                columns, rows = _page_rows(table, reply)
                written += write(table, columns, rows)
                done[table] = done.get(table, 0) + len(rows)
                if progress:
                    progress(community, table, done[table])
    finally:
        stop.set()
        for f in fetchers:
            f.join()
    end = link.snapshot(community)  # where central stood once every page was read
    end_last = end.get("last") if isinstance(end, dict) else None
    if not isinstance(end_last, int):
        raise CentralBadReply("sync.bad_reply", detail="snapshot manifest")
    return written, manifest["last"], end_last


def join(uow: Uow, link: CentralLink, terminal: str, store: Path, central: str, token: str, *,
         page: int = PAGE, progress: Progress | None = None) -> dict[str, Any]:
    central, token = validate(store, central, token)
    communities = _hello(link, terminal)
    written, lasts, ends = 0, [], []
    for community in communities:
        n, last, end = snapshot_community(uow, link, community, page, progress)
        written += n
        lasts.append(last)
        ends.append(end)
    link_store.save(store, link_store.LinkConfig(central=central, token=token, terminal=terminal,
                                                 communities=communities))
    start = min(lasts) if lasts else 0
    with uow() as s:
        row = s.get(SyncCursor, PULL_CURSOR, with_for_update=True)
        if row is None:
            s.add(SyncCursor(name=PULL_CURSOR, value=start, updated_at=utcnow()))
        else:  # joined before (same central): go back far enough to see every change since
            row.value = min(int(row.value), start)
            row.updated_at = utcnow()
        overlap = s.get(SyncCursor, OVERLAP_CURSOR, with_for_update=True)
        if overlap is None:
            s.add(SyncCursor(name=OVERLAP_CURSOR, value=max(ends, default=0), updated_at=utcnow()))
        else:
            overlap.value = max([int(overlap.value), *ends])
    pulled = written + pull_all(uow, link, terminal)
    with uow() as s:
        pulled_seq = cursor(s)
    return {"central": central, "pulled": pulled, "communities": communities, "pulled_seq": pulled_seq}
