"""Bill-line ids in bulk: stable_id(room, fee item, period) for many rooms at once.

A bill run makes one id per room and fee item (500,000 for 100,000 rooms). The ids are
exactly app.ids.stable_id's (a UUIDv5 over the key, shared with central and every counter);
this only avoids redoing per line what is the same for every line of a fee item: the SHA-1
state after the namespace, the key's tail (fee item and period) as bytes, and the text
layout (the version and variant digits are put in with a table instead of bit operations
on a bytearray). tests/unit/test_line_ids.py holds it to stable_id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from app.ids import _NAMESPACE

_AFTER_NAMESPACE = hashlib.sha1(_NAMESPACE.bytes)
# The variant digit (the 17th hex digit) keeps its low two bits and gets 10 on top.
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def line_id_maker(fee_item_id: str, period: str) -> Callable[[str], str]:
    """room id -> stable_id(room id, fee_item_id, period)."""
    tail = f"\x1f{fee_item_id}\x1f{period}".encode()
    start, variant = _AFTER_NAMESPACE.copy, _VARIANT

    def line_id(room_id: str) -> str:
        h = start()
        h.update(room_id.encode())
        h.update(tail)
        x = h.hexdigest()
        return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{variant[x[16]]}{x[17:20]}-{x[20:32]}"

    return line_id
