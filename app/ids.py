"""Identifiers made locally.

`new_id()` is a UUIDv7 (RFC 9562): time-ordered so B-tree inserts stay append-mostly, and made
without any server so an offline counter can save a record before it is ever sent. The
counter in the random bits keeps ids strictly increasing within one process even when the
clock stalls or steps back. `stable_id()` is a UUIDv5 over a key, used where two counters
(or a re-run) must arrive at the same id for the same fact, such as a bill line.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid

_NAMESPACE = uuid.UUID("5b1c2f8e-7a0d-4e7b-9a51-0c2d6f1e9a33")
_lock = threading.Lock()
_last_ms = 0
_seq = 0


def new_id() -> str:
    global _last_ms, _seq
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _seq += 1
            if _seq >= 1 << 12:  # 12-bit counter exhausted: borrow the next millisecond
                ms += 1
                _seq = 0
        else:
            _seq = int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave room to count up
        _last_ms = ms
        seq = _seq
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | rand
    return str(uuid.UUID(int=value))


def id_time_ms(id_: str) -> int:
    """The millisecond timestamp inside a UUIDv7."""
    return uuid.UUID(id_).int >> 80


_NS_BYTES = _NAMESPACE.bytes


def stable_id(*parts: object) -> str:
    """Deterministic id for a natural key: the same parts give the same id everywhere.

    This is exactly uuid.uuid5(_NAMESPACE, key), computed without building UUID objects:
    a bill run makes hundreds of thousands of these."""
    key = "\x1f".join([str(p) for p in parts])
    h = bytearray(hashlib.sha1(_NS_BYTES + key.encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50
    h[8] = (h[8] & 0x3F) | 0x80
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


_SEQ = [f"{i:03x}" for i in range(4096)]
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))  # sets the RFC 9562 variant bits 10


def new_ids(n: int) -> list[str]:
    """n fresh UUIDv7s in increasing order, after every id made before and before every id
    made after: bulk imports, bill runs and demo data make millions of these, so the text is
    laid out from one block of random bytes instead of n UUID objects."""
    global _last_ms, _seq
    with _lock:
        ms = max(time.time_ns() // 1_000_000, _last_ms + 1)
        # Spread the batch over as many milliseconds as the 12-bit counter needs.
        _last_ms = ms + n // 4096 + 1
        _seq = 0
    raw = bytearray(os.urandom(8 * n))
    raw[0::8] = raw[0::8].translate(_VARIANT)
    rnd = raw.hex()
    out: list[str] = []
    for block in range(0, n, 4096):
        h = f"{(ms + block // 4096) & ((1 << 48) - 1):012x}"
        head = f"{h[:8]}-{h[8:]}-7"
        out += [f"{head}{q}-{rnd[p:p + 4]}-{rnd[p + 4:p + 16]}"
                for q, p in zip(_SEQ[:min(4096, n - block)], range(16 * block, 16 * min(n, block + 4096), 16))]
    return out
