"""Where a bill run's writer gets each chunk's lines: computed ahead of it, so the Python
work of computing overlaps the database work of writing (docs/billing.md, "Bill-run speed").

- `ChildAhead`: a forked child process computes every chunk in order and sends each
  chunk's lines through a pipe as soon as they are made, so the computing runs on the other
  core during everything the writer does (inserts included). Used where `fork` exists and
  the process has no other thread (the CLI, the benchmark): a child forked from a process
  with other threads could inherit a lock another thread held.
- `ThreadAhead`: elsewhere (Windows, the GUI's worker thread) a helper thread computes the
  next chunk only while the writer commits — a commit runs without the GIL, the inserts
  take it back for every row.
- `Precomputed`: a dry run's lines, computed at once, dealt to their chunks.

The child never touches the database connections it inherited: it reads its inputs on a
connection of its own (the caller's `prepare`) and leaves with `os._exit`, so no finaliser of
the parent's objects runs in it.
"""

from __future__ import annotations

import gc
import os
import pickle
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Pipe
from typing import Any, Protocol

# Off: always the helper thread (tests set it to exercise both ways).
COMPUTE_IN_CHILD = True


class Source(Protocol):
    def get(self, i: int) -> list[tuple]: ...
    def overlap(self, i: int) -> None: ...
    def close(self) -> None: ...


class Precomputed:
    def __init__(self, dealt: list[list[tuple]]) -> None:
        self.dealt = dealt

    def get(self, i: int) -> list[tuple]:
        return self.dealt[i]

    def overlap(self, i: int) -> None:
        pass

    def close(self) -> None:
        pass


class ThreadAhead:
    def __init__(self, compute: Callable[[Any], list[tuple]], chunks: list, waited: Callable[[], None]) -> None:
        self.compute, self.chunks, self.waited = compute, chunks, waited
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bill-run-compute")
        self.pending: dict[int, Future] = {}

    def get(self, i: int) -> list[tuple]:
        fut = self.pending.pop(i, None)
        rows = fut.result() if fut is not None else self.compute(self.chunks[i])
        self.waited()
        return rows

    def overlap(self, i: int) -> None:
        if i not in self.pending:
            self.pending[i] = self.pool.submit(self.compute, self.chunks[i])

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class ChildFailed(RuntimeError):
    """A forked child (a bill run's computing, the demo history's making) failed or vanished:
    the work stops like any failed work, its transaction rolled back."""


class ChildAhead:
    def __init__(self, compute: Callable[[Any], list[tuple]], chunks: list, state: Callable[[], Any],
                 adopt: Callable[[Any], None], waited: Callable[[], None],
                 prepare: Callable[[], None] | None = None) -> None:
        self.chunks, self.adopt, self.waited = chunks, adopt, waited
        self.reader, writer = Pipe(duplex=False)
        self.pid = os.fork()
        if self.pid == 0:  # the child: compute, send, leave
            code = 1
            try:
                # Short-lived, and what it makes (tuples, strings) holds no cycles; a collection
                # would also touch every inherited object, copying each page it touches.
                gc.disable()
                self.reader.close()
                if prepare is not None:
                    prepare()
                for rooms in chunks:
                    writer.send_bytes(pickle.dumps(("rows", compute(rooms)), pickle.HIGHEST_PROTOCOL))
                writer.send_bytes(pickle.dumps(("done", state()), pickle.HIGHEST_PROTOCOL))
                code = 0
            except BaseException:  # noqa: BLE001 — told to the parent, which raises it
                try:
                    writer.send_bytes(pickle.dumps(("error", traceback.format_exc())))
                except BaseException:  # noqa: BLE001
                    pass
            finally:
                os._exit(code)
        writer.close()

    def _receive(self) -> tuple[str, Any]:
        try:
            kind, payload = pickle.loads(self.reader.recv_bytes())
        except EOFError:
            raise ChildFailed("the bill run's computing process ended without its lines") from None
        if kind == "error":
            raise ChildFailed(f"the bill run's computing process failed:\n{payload}")
        return kind, payload

    def get(self, i: int) -> list[tuple]:
        kind, rows = self._receive()
        assert kind == "rows"
        if i == len(self.chunks) - 1:  # every chunk is computed: take the run's totals
            kind, state = self._receive()
            assert kind == "done"
            self.adopt(state)
        self.waited()
        return rows

    def overlap(self, i: int) -> None:
        pass  # the child is always ahead

    def close(self) -> None:
        self.reader.close()
        reap(self.pid)


def reap(pid: int) -> None:
    """A forked child whose work is over or no longer wanted: waited for, killed first if it
    is still running (its parent stopped early)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def can_fork() -> bool:
    return COMPUTE_IN_CHILD and hasattr(os, "fork") and threading.active_count() == 1
