"""app.db.limits: every text longer than its column is refused before anything is written,
the same on SQLite (which would store it) and PostgreSQL (which would fail with an error
nobody can act on); composed descriptions are cut to size instead."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.db.models import LedgerTxn, Party, Room
from app.errors import InputError
from app.services import ledger
from tests.support.builders import World


def _parties(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(Party))


def test_orm_objects_too_long_are_refused_and_nothing_is_written(any_ctx):
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            s.add(Party(name="ok"))
            s.add(Party(name="张" * 101))
    assert e.value.code == "input.too_long" and e.value.params["column"] == "party.name"
    assert e.value.text("en") == "name is too long: at most 100 characters (it has 101)."
    assert "姓名太长" in e.value.text("zh")
    assert _parties(any_ctx) == 0
    with any_ctx.uow() as s:  # exactly the column's size is fine, in characters, not bytes
        s.add(Party(name="张" * 100))
    assert _parties(any_ctx) == 1


def test_changed_objects_are_checked_too(any_ctx):
    with any_ctx.uow() as s:
        s.add(Party(name="李四", note="x"))
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            p = s.scalar(select(Party))
            p.note = "n" * 201
            s.flush()
    assert e.value.params["column"] == "party.note"
    with any_ctx.uow() as s:
        assert s.scalar(select(Party.note)) == "x"


def test_an_unlisted_column_is_named_table_dot_column(any_ctx):
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            s.add(Party(name="王五", id_card="1" * 31))
    assert "party.id_card" in e.value.text("en") and "party.id_card" in e.value.text("zh")


def test_core_statements_through_the_session_are_checked(any_ctx):
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            s.execute(Party.__table__.insert(), [{"id": "p1", "name": "x" * 500, "name_initials": ""}])
    assert e.value.params["column"] == "party.name"
    with any_ctx.uow() as s:
        s.add(Party(id="p2", name="赵六"))
    with pytest.raises(InputError):
        with any_ctx.uow() as s:
            s.execute(update(Party).where(Party.id == "p2").values(name="y" * 101))
    with any_ctx.uow() as s:
        assert s.scalar(select(Party.name)) == "赵六"


def test_composed_memos_are_cut_to_size_not_refused(any_ctx):
    with any_ctx.uow() as s:
        World(s).room("1-101", "100")
        room = s.scalar(select(Room))
        txn = ledger.post(s, "adjustment", [(f"AR:{room.id}", 100), (f"PRE:{room.id}", -100)],
                          memo="作废 T1-20261202-0001: " + "长" * 300, user="admin")
    with any_ctx.uow() as s:
        memo = s.scalar(select(LedgerTxn.memo).where(LedgerTxn.id == txn))
    assert len(memo) == 200 and memo.endswith("…") and memo.startswith("作废 T1-20261202-0001: 长")


def test_decimal_text_longer_than_its_column_is_refused(any_ctx):
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            w = World(s)
            w.room("1-102", "1" * 30 + "." + "1" * 20)
    assert e.value.params["column"] == "room.area"
    with any_ctx.uow() as s:
        World(s, name="别的小区").room("1-103", str(Decimal("123.45")))


def test_a_terminal_with_a_bad_code_is_never_written(any_ctx):
    from app.db.models import Terminal
    from app.services import users

    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            users.ensure_terminal(s, "T'1")
    assert e.value.code == "terminal.bad_code"
    with any_ctx.uow() as s:
        assert s.scalars(select(Terminal.code)).all() == ["T1"]


def test_a_terminal_made_before_the_rule_can_still_be_changed(any_ctx):
    from app.db.base import utcnow
    from app.db.models import Terminal

    with any_ctx.engine.begin() as conn:  # an old database: written before codes were checked
        conn.execute(Terminal.__table__.insert().values(id="old", code="T-9", name="旧", hmac_key="ab",
                                                        created_at=utcnow()))
    with any_ctx.uow() as s:
        s.get(Terminal, "old").name = "旧收银台"
    with any_ctx.uow() as s:
        assert s.get(Terminal, "old").name == "旧收银台"
