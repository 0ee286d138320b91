"""The HTTP face of central (docs/sync.md): FastAPI on uvicorn.

Why FastAPI + uvicorn: a well-kept ASGI stack with a production server that shuts down
gracefully on SIGTERM (finishes the requests in flight, then exits), GZip middleware, and
threadpool execution for our synchronous SQLAlchemy work. Endpoints are async only to read
the request body with a hard cap; every database step runs in the threadpool, one unit of
work per request.

Errors are always `{"error": code, "message": zh, "message_en": en}` (app/messages/sync.py).
"""

from __future__ import annotations

import json
import logging
import random
import signal
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import clock
from app.central import pull as pulling
from app.central import snapshot as snapshots
from app.central.errors import HttpError
from app.central import audit_heads
from app.central.push import community_names, push_batch, validate_batch
from app.central.terminals import terminal_for_token
from app.context import AppContext
from app.db.base import utcnow
from app.db.models import Terminal
from app.errors import Msg
from app.messages import render

log = logging.getLogger("propdesk.central")

MAX_BODY = 8 * 1024 * 1024  # request bodies above this: 413
GZIP_MIN = 64 * 1024  # responses above this are gzip-encoded when the client accepts it
# Level 3, not Starlette's default 9: a join snapshot of 10,000 rooms is ~500 MB of JSON. A
# 15 MB page of bill lines: level 9 → 1.52 MB in 0.33 s, level 3 → 1.99 MB in 0.056 s
# (level 1: 2.16 MB, 0.054 s) — six times the work for a quarter less size.
GZIP_LEVEL = 3
PROTOCOL = 1
RETRIES = 5
RETRY_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def error_body(code: str, **params: Any) -> dict[str, str]:
    m = Msg(code, params)
    return {"error": code, "message": render(m, "zh"), "message_en": render(m, "en")}


def _json(doc: Any) -> Response:
    """Our replies are JSON-ready already (rows encoded by app.sync_rows): dump them once,
    skipping FastAPI's per-object encoder walk (it dominated large pulls)."""
    return Response(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8"),
                    media_type="application/json")


def _error(status: int, code: str, **params: Any) -> JSONResponse:
    return JSONResponse(error_body(code, **params), status_code=status)


async def _read_body(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HttpError(400, "sync.bad_request", field="Content-Length")
        if int(declared) > MAX_BODY:
            raise HttpError(413, "sync.body_too_large", max=MAX_BODY)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # the actual bytes count, whatever the header said
        size += len(chunk)
        if size > MAX_BODY:
            raise HttpError(413, "sync.body_too_large", max=MAX_BODY)
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "sync.bad_json") from None


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def run_again_on_deadlock(unit: Callable[[], Any], retries: int = RETRIES) -> Any:
    """`unit()`, run again (up to `retries` times in all) when the database rolled it back
    as a deadlock victim or a serialisation failure; any other error goes up at once."""
    for attempt in range(1, retries + 1):
        try:
            return unit()
        except DBAPIError as e:
            if getattr(e.orig, "sqlstate", None) not in RETRY_SQLSTATES or attempt == retries:
                raise
            log.warning("central: %s, unit of work run again (%d)", type(e.orig).__name__, attempt)
            time.sleep(random.uniform(0.005, 0.03) * attempt)  # out of step with the other one
    raise AssertionError("unreachable")


def create_app(ctx: AppContext) -> FastAPI:
    app = FastAPI(title="PropDesk central", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN, compresslevel=GZIP_LEVEL)

    def in_uow(token: str | None, fn: Callable[[Any, Terminal], Any]) -> Any:
        """Authenticate and run `fn(session, terminal)` in one unit of work: any error rolls
        everything back (a 401/403 stores nothing). A unit PostgreSQL chose as a deadlock
        victim (or refused to serialise) is rolled back whole, so it is run again: pushes are
        idempotent, and a counter should not see a 500 for another counter's timing."""
        return run_again_on_deadlock(lambda: _unit(token, fn))

    def _unit(token: str | None, fn: Callable[[Any, Terminal], Any]) -> Any:
        with ctx.uow() as s:
            if token is None:
                raise HttpError(401, "sync.token_missing")
            t = terminal_for_token(s, token)
            if t is None:
                raise HttpError(401, "sync.token_unknown")
            if t.revoked_at is not None:
                raise HttpError(401, "sync.token_revoked", terminal=t.code)
            out = fn(s, t)
            t.last_seen_at = utcnow()
            return out

    @app.exception_handler(HttpError)
    async def _http_error(_: Request, e: HttpError) -> JSONResponse:
        return _error(e.status, e.code, **e.params)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        loc = e.errors()[0].get("loc", ()) if e.errors() else ()
        return _error(400, "sync.bad_request", field=".".join(str(x) for x in loc[1:]) or "query")

    @app.exception_handler(StarletteHTTPException)
    async def _starlette(_: Request, e: StarletteHTTPException) -> JSONResponse:
        if e.status_code == 404:
            return _error(404, "sync.no_such_endpoint")
        if e.status_code == 405:
            return _error(405, "sync.method_not_allowed")
        return _error(e.status_code, "sync.http_error", status=e.status_code)

    @app.exception_handler(Exception)
    async def _crash(_: Request, e: Exception) -> JSONResponse:
        log.exception("central request failed")
        return _error(500, "sync.internal", error=type(e).__name__)

    @app.get("/v1/hello")
    async def hello(request: Request) -> Any:
        def work(s: Any, t: Terminal) -> dict[str, Any]:
            now = clock.now().isoformat()
            return {"terminal": t.code, "communities": community_names(s, list(t.communities or [])),
                    "central_time": now, "time": now, "pushed_seq": t.pushed_seq or 0,
                    "protocol": PROTOCOL, "max_body": MAX_BODY, "max_events": 500}

        return _json(await run_in_threadpool(in_uow, _token(request), work))

    @app.post("/v1/push")
    async def push(request: Request) -> Any:
        token = _token(request)
        # refuse a stranger before reading the body (a bad token is a 401 whatever the body)
        await run_in_threadpool(in_uow, token, lambda s, t: None)
        body = await _read_body(request)

        def work(s: Any, t: Terminal) -> dict[str, Any]:
            out = push_batch(s, t, validate_batch(body, t))
            head = audit_heads.receive(s, t, body.get("audit"))  # the counter's audit chain head
            return out if head is None else {**out, "audit": head}

        return _json(await run_in_threadpool(in_uow, token, work))

    @app.get("/v1/pull")
    async def pull(request: Request, after: int = 0, limit: int = 500) -> Any:
        if after < 0 or not 1 <= limit <= pulling.MAX_PULL:
            raise HttpError(400, "sync.bad_paging", max=pulling.MAX_PULL)
        return _json(await run_in_threadpool(in_uow, _token(request), lambda s, t: pulling.pull(s, t, after, limit)))

    @app.get("/v1/snapshot")
    async def snapshot(request: Request, community: str | None = None, table: str | None = None,
                       after_key: str | None = None, after: str | None = None, limit: int = 2000) -> Any:
        after_key = after_key if after_key is not None else after  # `after` = the counter client's name
        if not 1 <= limit <= snapshots.MAX_SNAPSHOT_PAGE:
            raise HttpError(400, "sync.bad_paging", max=snapshots.MAX_SNAPSHOT_PAGE)
        text = await run_in_threadpool(
            in_uow, _token(request), lambda s, t: snapshots.page_json(s, t, community, table, after_key, limit))
        return Response(text, media_type="application/json")

    return app


def serve(ctx: AppContext, host: str, port: int, *, sockets: list | None = None) -> None:
    """Run until SIGTERM/SIGINT; uvicorn finishes the requests in flight, then returns."""
    import uvicorn

    stop_requested: list[int] = []
    # uvicorn re-raises the captured signal after its graceful shutdown; a handler of ours
    # receives it, so the process ends by returning (exit 0) instead of dying of SIGTERM.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: stop_requested.append(signum))
    config = uvicorn.Config(create_app(ctx), host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=30)
    server = uvicorn.Server(config)
    server.run(sockets=sockets)
