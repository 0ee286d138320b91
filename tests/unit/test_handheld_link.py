"""The go-back-N link (drivers/handheld/link.py) between two ends of a socket pair, with a
line that loses, damages and cuts frames: every frame is delivered once, in order."""

from __future__ import annotations

import random
import socket
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.handheld import frames as F
from drivers.handheld.link import Link, LinkLost
from drivers.handheld.simulator import FdPort


class LossyPort(FdPort):
    """Damages some writes: drops them, flips a byte, or sends only a part."""

    def __init__(self, fd: int, seed: int, loss: float) -> None:
        super().__init__(fd, timeout=0.01)
        self.rng, self.loss = random.Random(seed), loss
        self.damaged = 0

    def write(self, data: bytes) -> int:
        if self.rng.random() < self.loss:
            self.damaged += 1
            how = self.rng.randrange(3)
            if how == 0:
                return len(data)  # lost
            if how == 1:
                b = bytearray(data)
                b[self.rng.randrange(len(b))] ^= 1 << self.rng.randrange(8)
                data = bytes(b)
            else:
                data = data[: self.rng.randrange(1, len(data))]
        return super().write(data)


def _pair(seed: int, loss: float) -> tuple[Link, Link, list[socket.socket]]:
    a, b = socket.socketpair()
    la = Link(LossyPort(a.fileno(), seed, loss), timeout=0.05, retries=40)
    lb = Link(LossyPort(b.fileno(), seed + 1, loss), timeout=0.05, retries=40)
    return la, lb, [a, b]


def _exchange(sender: Link, receiver: Link, payloads: list[bytes]) -> list[bytes]:
    got: list[bytes] = []
    errors: list[BaseException] = []

    def receive() -> None:
        try:
            while len(got) < len(payloads):
                got.append(receiver.recv(timeout=20).payload)
            # keep answering (re-ACKing) until the sender has seen every ACK
            while not done.is_set():
                receiver._pump(block=True)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    done = threading.Event()
    t = threading.Thread(target=receive, daemon=True)
    t.start()
    try:
        for p in payloads:
            sender.send(F.UPLOAD_DATA, p)
        sender.flush()
    finally:
        done.set()
        t.join(10)
    assert not errors, errors
    return got


@given(st.integers(0, 10_000), st.sampled_from([0.0, 0.05, 0.2]), st.integers(1, 60))
@settings(max_examples=12, deadline=None)
def test_every_frame_arrives_once_in_order_over_a_bad_line(seed, loss, n):
    sender, receiver, socks = _pair(seed, loss)
    try:
        payloads = [i.to_bytes(2, "big") * (1 + i % 50) for i in range(n)]
        assert _exchange(sender, receiver, payloads) == payloads
    finally:
        for s in socks:
            s.close()


def test_sequence_numbers_wrap_at_65536():
    sender, receiver, socks = _pair(1, 0.1)
    try:
        sender.tx_seq = receiver.rx_expected = 0xFFF8
        payloads = [bytes([i]) * 10 for i in range(30)]
        assert _exchange(sender, receiver, payloads) == payloads
        assert sender.tx_seq == (0xFFF8 + 30) & 0xFFFF
    finally:
        for s in socks:
            s.close()


def test_silent_peer_gives_up_after_the_retry_limit():
    a, b = socket.socketpair()
    try:
        link = Link(FdPort(a.fileno(), timeout=0.01), timeout=0.05, retries=3)
        link.send(F.HELLO, b"\x01abcd")
        with pytest.raises(LinkLost) as e:
            link.flush()
        assert e.value.answered is False and link.stats["resent"] == 3
    finally:
        a.close()
        b.close()
