"""`CentralLink` over HTTP with requests: Bearer token, timeouts, gzip accepted (requests
decodes it), JSON both ways, and HTTP failures turned into coded errors the loop understands:
network errors and 5xx are retryable; 401/403 mean the link is refused and 400/413 (and other
4xx) that the request itself is wrong — neither is retried."""

from __future__ import annotations

from typing import Any

import orjson
import requests

from app.services.sync.errors import (CentralBadReply, CentralError, CentralRefused, CentralRequestRejected,
                                      CentralServerError, CentralUnreachable)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0  # a push of 500 events is applied in one transaction on central
# A push may queue on central behind other counters' batches over the same rooms (rooms are
# locked for a batch's whole transaction, app/central/push.py): 20 counters of one
# community pushing together waited over 60 s. The push runs on the sync thread, never in a
# cashier's way, and is idempotent, so it is given longer before it is called lost.
PUSH_READ_TIMEOUT = 300.0


class HttpCentralLink:
    def __init__(self, base_url: str, token: str, *, timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # the default read timeout is lengthened for pushes; a caller's own choice is kept
        self.push_timeout = (timeout[0], PUSH_READ_TIMEOUT) if timeout == (CONNECT_TIMEOUT, READ_TIMEOUT) else timeout
        self.http = session or requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json",
                                  "Accept-Encoding": "gzip"})

    def __repr__(self) -> str:  # the token stays out of logs
        return f"HttpCentralLink({self.base_url!r})"

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              body: Any = None, timeout: tuple[float, float] | None = None) -> dict[str, Any]:
        url = self.base_url + path
        try:
            r = self.http.request(method, url, params=params, json=body, timeout=timeout or self.timeout)
        except requests.RequestException as e:
            raise CentralUnreachable("sync.unreachable", detail=f"{type(e).__name__}: {str(e)[:160]}") from None
        if r.status_code >= 500:
            raise CentralServerError("sync.server_error", status=r.status_code)
        if r.status_code in (401, 403):
            code = "sync.token_refused" if r.status_code == 401 else "sync.community_refused"
            raise CentralRefused(code, status=r.status_code)
        if r.status_code >= 400:
            raise CentralRequestRejected("sync.request_rejected", status=r.status_code, detail=_error_detail(r))
        try:
            doc = orjson.loads(r.content)  # a join page is tens of MB: orjson, not r.json()
        except (ValueError, requests.RequestException) as e:  # cut off, garbled, not JSON
            raise CentralBadReply("sync.bad_reply", detail=f"{path}: {type(e).__name__}") from None
        if not isinstance(doc, dict):
            raise CentralBadReply("sync.bad_reply", detail=f"{path}: not an object")
        return doc

    def hello(self) -> dict[str, Any]:
        return self._call("GET", "/v1/hello")

    def push(self, terminal: str, events: list[dict[str, Any]],
             audit: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"terminal": terminal, "events": events}
        if audit is not None:
            body["audit"] = audit
        return self._call("POST", "/v1/push", body=body, timeout=self.push_timeout)

    def pull(self, after: int, limit: int) -> dict[str, Any]:
        return self._call("GET", "/v1/pull", params={"after": after, "limit": limit})

    def snapshot(self, community: str, table: str | None = None, after_key: str | None = None,
                 limit: int = 1000) -> dict[str, Any]:
        params: dict[str, Any] = {"community": community}
        if table is not None:
            params.update(table=table, limit=limit)
            if after_key is not None:
                params["after"] = after_key
        return self._call("GET", "/v1/snapshot", params=params)

    def close(self) -> None:
        self.http.close()


def _error_detail(r: requests.Response) -> str:
    try:
        doc = r.json()
        if isinstance(doc, dict):
            return str(doc.get("message_en") or doc.get("error") or doc)[:200]
    except ValueError:
        pass
    return (r.text or r.reason or "")[:200]


__all__ = ["HttpCentralLink", "CentralError"]
