"""Where a bill run's writer gets each chunk's lines: computed ahead of it, so the Python
work of computing overlaps the database work of writing (docs/billing.md, "Bill-run speed").

- `ChildAhead`: a forked child process computes every chunk in order and sends each
  chunk's lines through a pipe as soon as they are made, so the computing runs on the other
  core during everything the writer does (inserts included). Used where `fork` exists and
  the process has no other thread (the CLI, the benchmark): a child forked from a process
  with other threads could inherit a lock another thread held.
  With `helpers=1` the child forks a helper after reading the inputs, and the two compute
  alternate chunks (the demo's runs, where a third core is free).
- `ThreadAhead`: elsewhere (Windows, the GUI's worker thread) a helper thread computes the
  next chunk only while the writer commits — a commit runs without the GIL, the inserts
  take it back for every row.
- `SeriesAhead`: several runs (consecutive periods, `bill_run.bill_runs`) computed by one
  forked child, one after another, and received by a thread of the parent as they come: the
  child computes the next period while the writer writes and commits this one.
- `Precomputed`: a dry run's lines, computed at once, dealt to their chunks.

The child never touches the database connections it inherited: it reads its inputs on a
connection of its own (the caller's `prepare`) and leaves with `os._exit`, so no finaliser of
the parent's objects runs in it.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
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


@dataclass(frozen=True)
class Computing:
    """How a bill run computed in a forked child gets its lines to the writer (bill_run's
    `computing`). `helpers=1`: a second process computes every other chunk. `files`: on
    SQLite each chunk comes as a file the writer copies (chunk_files: the least work for a
    writer that counters wait for); without, the rows come through the pipe and the writer
    inserts them — less work in all, so faster where the writer waits for the child anyway
    (the demo's runs: docs/billing.md, "The demo")."""

    helpers: int = 0
    files: bool = True


# The helper yields the CPU to the writer and the child: it computes on what they leave idle.
HELPER_NICE = 10


class ChildFailed(RuntimeError):
    """A forked child (a bill run's computing, the demo history's making) failed or vanished:
    the work stops like any failed work, its transaction rolled back."""


class ChildAhead:
    """`helpers=1`: once the child has read the run's inputs (`prepare`), it forks a helper
    that shares them (copy on write) and computes every other chunk — the odd ones on a pipe
    of its own, the child the even ones. Each reports its share of the run's state, and
    `merge` makes one of them. For a run whose writer waits for its lines (the demo's runs,
    one transaction: docs/billing.md "The demo"), on a machine with a core to spare."""

    def __init__(self, compute: Callable[[Any], list[tuple]], chunks: list, state: Callable[[], Any],
                 adopt: Callable[[Any], None], waited: Callable[[], None],
                 prepare: Callable[[], None] | None = None, *,
                 merge: Callable[[list[Any]], Any] | None = None, helpers: int = 0) -> None:
        self.chunks, self.adopt, self.waited, self.merge = chunks, adopt, waited, merge
        n = 2 if helpers and merge is not None and len(chunks) > 1 else 1
        pipes = [Pipe(duplex=False) for _ in range(n)]
        self.readers = [r for r, _ in pipes]
        self.helper_pid = 0  # the child's helper, once the child has said which it is
        self.finished = False  # every chunk and state received
        self.pid = os.fork()
        if self.pid == 0:  # the child: compute, send, leave
            code, share, helper = 1, 0, 0
            writer = pipes[0][1]
            try:
                # Short-lived, and what it makes (tuples, strings) holds no cycles; a collection
                # would also touch every inherited object, copying each page it touches.
                gc.disable()
                for r in self.readers:
                    r.close()
                if prepare is not None:
                    prepare()
                if n == 2:
                    helper = os.fork()
                    if helper == 0:
                        share, writer = 1, pipes[1][1]
                        pipes[0][1].close()
                        os.nice(HELPER_NICE)
                    else:
                        pipes[1][1].close()
                        writer.send_bytes(pickle.dumps(("helper", helper), pickle.HIGHEST_PROTOCOL))
                for i in range(share, len(chunks), n):
                    writer.send_bytes(pickle.dumps(("rows", compute(chunks[i])), pickle.HIGHEST_PROTOCOL))
                writer.send_bytes(pickle.dumps(("done", state()), pickle.HIGHEST_PROTOCOL))
                if helper:
                    os.waitpid(helper, 0)  # the helper is the child's to reap
                code = 0
            except BaseException:  # noqa: BLE001 — told to the parent, which raises it
                _tell_failure(writer)
            finally:
                os._exit(code)
        for _, w in pipes:
            w.close()

    def _receive(self, k: int = 0) -> tuple[str, Any]:
        try:
            kind, payload = pickle.loads(self.readers[k].recv_bytes())
            if kind == "helper":
                self.helper_pid = payload
                kind, payload = pickle.loads(self.readers[k].recv_bytes())
        except EOFError:
            raise ChildFailed("the bill run's computing process ended without its lines") from None
        if kind == "error":
            raise ChildFailed(f"the bill run's computing process failed:\n{payload}")
        return kind, payload

    def get(self, i: int) -> list[tuple]:
        kind, rows = self._receive(i % len(self.readers))
        assert kind == "rows"
        if i == len(self.chunks) - 1:  # every chunk is computed: take the run's totals
            states = []
            for k in range(len(self.readers)):
                kind, state = self._receive(k)
                assert kind == "done"
                states.append(state)
            self.adopt(self.merge(states) if len(states) > 1 else states[0])  # two readers: merge is set
            self.finished = True
        self.waited()
        return rows

    def overlap(self, i: int) -> None:
        pass  # the child is always ahead

    def close(self) -> None:
        for r in self.readers:
            r.close()
        if self.helper_pid and not self.finished:
            try:  # stopped early: the helper (the child's, not ours to wait for) goes too
                os.kill(self.helper_pid, 9)
            except ProcessLookupError:
                pass
        if self.finished and self.helper_pid:
            try:  # the child is reaping its helper, which has sent everything: wait for both
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        reap(self.pid)


@dataclass(frozen=True)
class Job:
    """One run of a `SeriesAhead`: its chunks, how the child computes one, reads the run's
    inputs first (`prepare`) and reports what computing changed (`state`), and how the
    parent takes that state (`adopt`)."""

    compute: Callable[[Any], list[tuple]]
    chunks: list
    state: Callable[[], Any]
    adopt: Callable[[Any], None]
    prepare: Callable[[], None] | None = None


# How many runs the child may finish ahead of the one the writer is taking: the received
# lines wait in the parent's memory (a 100,000-room period is ~150 MB pickled).
SERIES_AHEAD = 1


class SeriesAhead:
    """Runs computed one after another by one forked child (`Job`s, in order). A thread of
    the parent receives the child's messages as they come, so the child never waits for the
    writer within a run, and starts the next run's `prepare` as soon as it has sent this
    one's last chunk — up to SERIES_AHEAD runs ahead of the one the writer takes, then it
    waits for the writer's word (a byte on a pipe of its own) that one more run is taken."""

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        reader, writer = Pipe(duplex=False)
        taken_r, taken_w = Pipe(duplex=False)
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                gc.disable()  # as ChildAhead's child
                reader.close()
                taken_w.close()
                for j, job in enumerate(jobs):
                    if j > SERIES_AHEAD:
                        taken_r.recv_bytes()  # the writer took run j - SERIES_AHEAD - 1
                    if job.prepare is not None:
                        job.prepare()
                    for chunk in job.chunks:
                        writer.send_bytes(pickle.dumps(("rows", job.compute(chunk)), pickle.HIGHEST_PROTOCOL))
                    writer.send_bytes(pickle.dumps(("done", job.state()), pickle.HIGHEST_PROTOCOL))
                code = 0
            except BaseException:  # noqa: BLE001 — told to the parent, which raises it
                _tell_failure(writer)
            finally:
                os._exit(code)
        writer.close()
        taken_r.close()
        self.taken = taken_w
        self.inbox = Inbox(reader, "bill-runs-receive")
        self.next_job = 0

    def _receive(self) -> tuple[str, Any]:
        data = self.inbox.get()
        if data is None:
            raise ChildFailed("the bill runs' computing process ended without their lines")
        kind, payload = pickle.loads(data)
        if kind == "error":
            raise ChildFailed(f"the bill runs' computing process failed:\n{payload}")
        return kind, payload

    def source(self, j: int, waited: Callable[[], None]) -> Source:
        """Run j's lines, chunk by chunk; the runs are taken in order."""
        assert j == self.next_job, (j, self.next_job)
        self.next_job += 1
        return _SeriesRun(self, self.jobs[j], waited)

    def close(self) -> None:
        """After the last run, or when the writer stopped early: the child is waited for (killed
        first if it is still computing), then the receiving thread ends with the pipe."""
        reap(self.pid)
        self.inbox.close()
        self.taken.close()


class Inbox:
    """A forked child's messages, received by a thread of the parent as they come, so the
    child never waits for the parent to be ready to read (a pipe holds 64 KiB; a message is
    bigger). Up to `limit` messages are held (0: no limit), then the child waits. Made after
    the fork: a child forked from a process with threads could inherit a lock one held."""

    def __init__(self, reader: Connection, name: str, limit: int = 0) -> None:
        self.reader = reader
        self.held: queue.Queue[bytes | None] = queue.Queue(maxsize=limit)
        self.ended = False
        self.thread = threading.Thread(target=self._receive_all, name=name, daemon=True)
        self.thread.start()

    def _receive_all(self) -> None:
        try:
            while True:
                self.held.put(self.reader.recv_bytes())
        except (EOFError, OSError):
            self.held.put(None)  # the child is gone: whatever it did not send never comes

    def get(self) -> bytes | None:
        """The next message; None once the child is gone and everything it sent was taken."""
        if self.ended:
            return None
        data = self.held.get()
        self.ended = data is None
        return data

    def close(self) -> None:
        """After the child is reaped: what it sent and nobody took is dropped (the thread may be
        waiting for room to hold one more), the thread ends with the pipe."""
        while self.get() is not None:
            pass
        self.thread.join()
        self.reader.close()


class _SeriesRun:
    def __init__(self, series: SeriesAhead, job: Job, waited: Callable[[], None]) -> None:
        self.series, self.job, self.waited = series, job, waited

    def get(self, i: int) -> list[tuple]:
        kind, rows = self.series._receive()
        assert kind == "rows"
        if i == len(self.job.chunks) - 1:
            kind, state = self.series._receive()
            assert kind == "done"
            self.job.adopt(state)
            try:
                self.series.taken.send_bytes(b"1")  # the child may go one run further
            except OSError:
                pass  # it has finished
        self.waited()
        return rows

    def overlap(self, i: int) -> None:
        pass  # the child is ahead

    def close(self) -> None:
        pass  # the series is closed once, after its last run


def _tell_failure(writer: Connection) -> None:
    try:
        writer.send_bytes(pickle.dumps(("error", traceback.format_exc())))
    except BaseException:  # noqa: BLE001
        pass


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
