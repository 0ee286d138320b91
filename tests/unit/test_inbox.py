"""ahead.Inbox: a forked child's messages received by a thread of the parent (the bill-run
series and the demo history's child use it)."""

from __future__ import annotations

import os
from multiprocessing.connection import Pipe

import pytest

from app.services.billing.ahead import Inbox, reap

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork: POSIX only")

BIG = b"x" * 200_000  # bigger than a pipe holds: the child's send ends only when the parent reads


def _child_sending(messages: list[bytes]) -> tuple[int, object]:
    reader, sender = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:
        try:
            reader.close()
            for m in messages:
                sender.send_bytes(m)
        finally:
            os._exit(0)
    sender.close()
    return pid, reader


@pytest.mark.parametrize("limit", [0, 1, 3])
def test_every_message_in_order_then_none_for_good(limit):
    sent = [BIG[:n] + bytes([n % 256]) for n in range(1, 40)] + [BIG, b"last"]
    pid, reader = _child_sending(sent)
    inbox = Inbox(reader, "test-inbox", limit=limit)
    try:
        got = []
        while (m := inbox.get()) is not None:
            got.append(m)
        assert got == sent
        assert inbox.get() is None and inbox.get() is None  # the child is gone: no more, ever
    finally:
        reap(pid)
        inbox.close()
    assert not inbox.thread.is_alive()


def test_a_parent_that_stops_early_is_not_held_by_a_full_inbox():
    # the child has far more to send than the inbox holds and waits for room: the parent takes
    # one message and stops; reaping kills the child, close() drops what was held (the thread
    # was waiting for room to hold one more) and the thread ends
    pid, reader = _child_sending([BIG] * 50)
    inbox = Inbox(reader, "test-inbox", limit=2)
    assert inbox.get() == BIG
    reap(pid)
    inbox.close()
    assert not inbox.thread.is_alive() and reader.closed


def test_a_child_that_dies_midway_gives_what_it_sent_then_none():
    reader, sender = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:
        reader.close()
        sender.send_bytes(b"one")
        sender.send_bytes(b"two")
        os._exit(3)  # as a crash would: no word that it is done
    sender.close()
    inbox = Inbox(reader, "test-inbox", limit=1)
    try:
        assert [inbox.get(), inbox.get(), inbox.get()] == [b"one", b"two", None]
    finally:
        reap(pid)
        inbox.close()
