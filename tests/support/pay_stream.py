"""A stream of counter payments against a database, until killed. Used by the SIGKILL
durability test: `python -m tests.support.pay_stream DB_URL SEED`."""

from __future__ import annotations

import random
import sys

from app.context import AppContext
from app.errors import InputError
from app.services.billing.bills import room_bills
from app.services.cashier.payments import Counter, prepay, pay_bills
from app.services.cashier.tenders import TenderInput
from app import clock


def main() -> None:
    url, seed = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(seed)
    ctx = AppContext.open(url, migrate=False)
    c = Counter("T1", "admin")
    keys = [f"1-{i:03d}" for i in range(1, 61)]
    print("ready", flush=True)
    while True:
        key = rnd.choice(keys)
        try:
            with ctx.uow() as s:
                if rnd.random() < 0.35:
                    prepay(s, c, key, [TenderInput("cash", rnd.randint(1, 500) * 100)])
                else:
                    from app.services.rooms import resolve_room

                    room = resolve_room(s, key)
                    due = room_bills(s, room.id, as_of=clock.today())
                    total = due["owed_fen"] + due["late_fee_fen"]
                    if total <= 0:
                        continue
                    prepaid = min(due["prepaid_fen"], total - 1) if due["prepaid_fen"] and total > 1 else 0
                    tenders = [TenderInput("prepaid", prepaid)] if prepaid > 0 else []
                    tenders.append(TenderInput("cash", total - prepaid + rnd.randint(0, 5000)))
                    pay_bills(s, c, key, tenders)
        except InputError:
            continue


if __name__ == "__main__":
    main()
