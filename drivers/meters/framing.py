"""What DL/T 645-2007 and CJ/T 188-2004 frames share: FE preambles before the first 68, a
length byte at a fixed place in the header, then checksum (sum from the first 68, mod 256) and
the end byte 16. A frame that fails a check is never believed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from drivers.meters.bcd import checksum
from drivers.serial.line import FrameError

F = TypeVar("F")


def find_frame(buf: bytes, header: int, check: Callable[[bytes], None] | None = None) -> tuple[bytes, int] | None:
    """The first whole frame in `buf` (from its 68 to its 16) and how many bytes it used; None
    while incomplete; FrameError for bytes that cannot be a believed frame. `header` is the
    number of bytes before the data (the length byte is the last of them); `check` looks at a
    complete header (e.g. DL/T 645's second 68)."""
    start = 0
    while start < len(buf) and buf[start] != 0x68:
        if buf[start] != 0xFE:
            raise FrameError("meter.frame_malformed", detail=f"unexpected byte {buf[start]:02X} before the frame")
        start += 1
    head = buf[start:]
    if len(head) < header:
        return None
    if check is not None:
        check(head)
    length = head[header - 1]
    end = header + length + 2
    if len(head) < end:
        return None
    cs, tail = head[header + length], head[header + length + 1]
    expected = checksum(head[:header + length])
    if cs != expected:
        raise FrameError("meter.frame_bad_checksum", expected=expected, got=cs)
    if tail != 0x16:
        raise FrameError("meter.frame_malformed", detail=f"end byte {tail:02X}, not 16")
    return bytes(head[:end]), start + end


def whole(parse: Callable[[bytes], tuple[F, int] | None], frame: bytes) -> F:
    """A frame that must be whole (a truncated one is a FrameError, never None)."""
    got = parse(frame)
    if got is None:
        raise FrameError("meter.frame_truncated", got=len(frame))
    return got[0]
