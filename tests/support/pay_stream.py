"""A stream of counter work against a database, until killed: bill payments, prepaid
top-ups, deposits, voids, and shift close + open. Used by the SIGKILL durability test:

    python -m tests.support.pay_stream DB_URL SEED TERMINAL STOP_AT

It reports on stdout, one line per event, flushed before it goes on — so every line the
test reads was true when it was written:

    ready                      the context is open (a shift is open on TERMINAL)
    B <n> <op>                 unit of work n is about to begin
    C <n> pay <receipt_no>     unit of work n committed a payment with this receipt
    C <n> void <receipt_no>    … voided this receipt
    C <n> close <shift_id>     … closed this shift
    C <n> open <shift_id>      … opened this shift
    R <n>                      unit of work n was refused (InputError) and rolled back
    W <n> <op> <what>          unit of work n did all its writes (flushed to the database) and
                               now waits, uncommitted, to be killed. Only when n == STOP_AT.

STOP_AT = 0 never waits: the test then kills the stream after it has reported some
commits, wherever it happens to be.
"""

from __future__ import annotations

import random
import sys
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db.models import Payment, Receipt, ReceiptVoid, Shift, Terminal, User
from app.errors import InputError
from app.services.receivables.bills import room_bills
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, collect_deposit, pay_bills, prepay
from app.services.cashier.tenders import TenderInput
from app.services.cashier.voids import void_receipt
from app.services.rooms import resolve_room
from app import clock

ROOMS = 60
ROOM_KEYS = [f"1-{i:03d}" for i in range(1, ROOMS + 1)]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _pay(s: Session, c: Counter, rnd: random.Random) -> tuple[str, str]:
    key = rnd.choice(ROOM_KEYS)
    room = resolve_room(s, key)
    due = room_bills(s, room.id, as_of=clock.today())
    total = due["owed_fen"] + due["late_fee_fen"]
    if total <= 0:  # nothing owed: top the room up instead (still a payment with a receipt)
        return "pay", prepay(s, c, key, [TenderInput("cash", rnd.randint(1, 500) * 100)])["receipt_no"]
    prepaid = min(due["prepaid_fen"], total - 1) if due["prepaid_fen"] and total > 1 else 0
    tenders = [TenderInput("prepaid", prepaid)] if prepaid > 0 else []
    tenders.append(TenderInput("cash", total - prepaid + rnd.randint(0, 5000)))
    return "pay", pay_bills(s, c, key, tenders)["receipt_no"]


def _prepay(s: Session, c: Counter, rnd: random.Random) -> tuple[str, str]:
    return "pay", prepay(s, c, rnd.choice(ROOM_KEYS), [TenderInput("cash", rnd.randint(1, 500) * 100)])["receipt_no"]


def _deposit(s: Session, c: Counter, rnd: random.Random) -> tuple[str, str]:
    r = collect_deposit(s, c, rnd.choice(ROOM_KEYS), "装修押金", [TenderInput("cash", rnd.randint(1, 30) * 10000)])
    return "pay", r["receipt_no"]


def _open_shift_id(s: Session, c: Counter) -> str | None:
    return s.scalar(select(Shift.id).join(Terminal, Terminal.id == Shift.terminal_id)
                    .join(User, User.id == Shift.user_id)
                    .where(Terminal.code == c.terminal, User.username == c.user, Shift.closed_at.is_(None)))


def _void(s: Session, c: Counter, rnd: random.Random) -> tuple[str, str]:
    """Void a bill payment of the open shift (a voided top-up may already be spent)."""
    shift_id = _open_shift_id(s, c)
    voided = select(ReceiptVoid.receipt_id)
    candidates = s.scalars(select(Receipt.receipt_no).join(Payment, Payment.id == Receipt.payment_id)
                           .where(Payment.shift_id == shift_id, Payment.kind == "bills", Receipt.id.not_in(voided))
                           .order_by(Receipt.receipt_no)).all()
    if not candidates:
        raise InputError("stream.nothing_to_void")
    receipt_no = rnd.choice(candidates)
    void_receipt(s, c, receipt_no, "收错房号")
    return "void", receipt_no


def _close(s: Session, c: Counter, rnd: random.Random) -> tuple[str, str]:
    r = shifts.close_shift(s, c.terminal, c.user, {10000: rnd.randint(0, 50), 100: rnd.randint(0, 9)})
    return "close", r["shift_id"]


def _open(s: Session, c: Counter, rnd: random.Random) -> tuple[str, str]:
    return "open", shifts.open_shift(s, c.terminal, c.user, rnd.randint(0, 5) * 10000).id


OPS = [(_pay, 52), (_prepay, 14), (_deposit, 8), (_void, 12), (_close, 14)]


def main() -> None:
    url, seed, terminal, stop_at = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    rnd = random.Random(seed)
    ctx = AppContext.open(url, terminal, "admin", migrate=False)
    c = Counter(terminal, "admin")
    n = 0

    def unit(op_name: str, fn) -> None:  # type: ignore[no-untyped-def]
        nonlocal n
        n += 1
        say(f"B {n} {op_name}")
        try:
            with ctx.uow() as s:
                kind, what = fn(s, c, rnd)
                if n == stop_at:
                    s.flush()
                    say(f"W {n} {kind} {what}")
                    threading.Event().wait()  # killed here, inside the open transaction
        except InputError:
            say(f"R {n}")
            return
        say(f"C {n} {kind} {what}")

    with ctx.uow() as s:
        has_shift = _open_shift_id(s, c) is not None
    if not has_shift:  # the last stream was killed between closing a shift and opening the next
        unit("open", _open)
    say("ready")
    funcs, weights = zip(*OPS)
    while True:
        fn = rnd.choices(funcs, weights)[0]
        unit(fn.__name__.lstrip("_"), fn)
        if fn is _close:
            unit("open", _open)


if __name__ == "__main__":
    main()
