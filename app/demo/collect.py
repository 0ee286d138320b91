"""The demo's bank collection (托收): a few owners (~2 % of the owned flats, at least 3) have
signed a direct-debit mandate, so `collect export --bank csv --period <last demo month>`
has something to send. Deterministic for the seed (the rooms are drawn in room-key order)."""

from __future__ import annotations

import random

from sqlalchemy import select

from app import clock
from app.context import AppContext
from app.db.models import BankMandate, Occupancy, Party, Room

BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "招商银行")
PREFIX = {"中国工商银行": "6222", "中国建设银行": "6217", "中国农业银行": "6228", "中国银行": "6216",
          "交通银行": "6222", "招商银行": "6225"}


def add_mandates(ctx: AppContext, *, seed: int) -> int:
    rng = random.Random(f"collect-{seed}")
    with ctx.uow() as s:
        owned = s.execute(select(Room.id, Room.room_key, Party.name)
                          .join(Occupancy, Occupancy.room_id == Room.id).join(Party, Party.id == Occupancy.party_id)
                          .where(Room.usage == "residential", Occupancy.role == "owner", Occupancy.end_date.is_(None))
                          .order_by(Room.room_key, Room.id)).all()
        seen, rooms = set(), []
        for rid, key, name in owned:
            if rid not in seen:
                seen.add(rid)
                rooms.append((rid, key, name))
        if not rooms:
            return 0
        n = min(len(rooms), max(3, min(200, len(rooms) // 50)))
        now = clock.now()
        for i, (rid, _key, name) in enumerate(sorted(rng.sample(rooms, n), key=lambda r: r[1]), start=1):
            bank = rng.choice(BANKS)
            account = PREFIX[bank] + "".join(rng.choice("0123456789") for _ in range(15))
            s.add(BankMandate(room_id=rid, bank_name=bank, account_no=account, account_holder=name,
                              mandate_no=f"TSXY{seed:02d}{i:05d}", active=True, created_at=now))
        return n
