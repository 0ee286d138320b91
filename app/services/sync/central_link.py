"""The interface the counter's sync services need from central (docs/sync.md). The HTTP
implementation is `drivers.central.http.HttpCentralLink`; `drivers.central.fake.FakeCentral`
implements it in memory. Every method raises a `app.services.sync.errors.CentralError` on
failure; replies are the protocol's JSON documents as plain dicts."""

from __future__ import annotations

from typing import Any, Protocol


class CentralLink(Protocol):
    def hello(self) -> dict[str, Any]:
        """`GET /v1/hello` → {"terminal", "communities": [name...], "time"}."""

    def push(self, terminal: str, events: list[dict[str, Any]],
             audit: dict[str, Any] | None = None) -> dict[str, Any]:
        """`POST /v1/push` → {"results": [{"event_id", "status", "reason"?}], "stored_seq",
        "audit"?: {"seq", "status"}}; `audit` is the counter's chain head (app/central/audit_heads.py)."""

    def pull(self, after: int, limit: int) -> dict[str, Any]:
        """`GET /v1/pull?after=&limit=` → {"changes": [...], "last", "more"}."""

    def snapshot(self, community: str, table: str | None = None, after_key: str | None = None,
                 limit: int = 1000) -> dict[str, Any]:
        """`GET /v1/snapshot?community=` → the manifest {"community", "tables": [...], "last"};
        with `table` → one page {"rows": [...], "next": key | None}."""

    def close(self) -> None:
        """Release connections."""
