"""What talking to central can fail with, as message codes. `retryable` says whether the loop
backs off and tries again (network, 5xx, a garbled reply) or stops and reports (4xx: a token
central refuses, a community not granted, a request central calls malformed or too big —
sending the same thing again cannot help)."""

from __future__ import annotations

from typing import Any

from app.errors import AppError


class CentralError(AppError):
    retryable = True
    exit_status = 1

    def __init__(self, code: str, *, status: int | None = None, **params: Any) -> None:
        super().__init__(code, status=status, **params)
        self.status = status


class CentralUnreachable(CentralError):
    """No answer: connection refused or reset, DNS, timeout."""


class CentralServerError(CentralError):
    """Central answered 5xx."""


class CentralBadReply(CentralError):
    """An answer that is not the protocol's (cut off, not JSON, missing fields)."""


class CentralRefused(CentralError):
    """401/403: this token or this community is refused. Fix the link; never retried."""

    retryable = False
    exit_status = 2


class CentralRequestRejected(CentralError):
    """400/413 and other 4xx: central says the request itself is wrong (a bug or an oversize
    batch). Never retried as is; reported."""

    retryable = False


class LocalSyncFailure(CentralError):
    """Applying what central sent failed here (a row this database refuses, a bug in an
    applier). The batch was rolled back; the loop reports it and tries again later."""
