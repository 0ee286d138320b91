"""An HTTP answer that is an error: status, message code and its parameters. The server turns
it into `{"error": code, "message": zh, "message_en": en}` (app/messages/sync.py)."""

from __future__ import annotations

from typing import Any


class HttpError(Exception):
    def __init__(self, status: int, code: str, **params: Any) -> None:
        self.status = status
        self.code = code
        self.params = params
        super().__init__(code)
