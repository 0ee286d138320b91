"""Which rows central ships to a counter, per community (docs/sync.md "What a counter
receives"): master data, bill runs with their lines and ledger, corrections. Tables are listed
in foreign-key order; a counter upserts them in the order given.

Users travel with their scrypt password hashes: a counter must sign its cashiers in while
central is unreachable, and the hash (salted, n=2^14) is what the counter stores for its own
users anyway. Users and roles are company-wide: every community ships all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    Allocation,
    BankMandate,
    BillAdjustment,
    BillLine,
    BillRun,
    Building,
    Deposit,
    Community,
    FeeItem,
    LedgerAccount,
    LedgerTxn,
    Meter,
    Occupancy,
    Party,
    Payment,
    Posting,
    Receipt,
    ReceiptVoid,
    Room,
    Shift,
    Tender,
    TariffVersion,
    Vehicle,
)
from app.sync_rows import dump_rows, table as table_of  # noqa: F401  (re-exported)

# Master tables, in foreign-key order, and the import kind that changes each.
MASTER_TABLES = ("community", "building", "room", "party", "occupancy", "vehicle", "bank_mandate", "meter", "fee_item",
                 "tariff_version", "role", "app_user", "ledger_account")


def _rooms(c: str):  # type: ignore[no-untyped-def]
    return select(Room.id).where(Room.community_id == c).scalar_subquery()


def master_filter(table: str, c: str) -> list[Any]:
    rooms = _rooms(c)
    if table == "community":
        return [Community.id == c]
    if table in ("building", "room", "meter", "fee_item"):
        model = {"building": Building, "room": Room, "meter": Meter, "fee_item": FeeItem}[table]
        return [model.community_id == c]
    if table == "party":
        occ = select(Occupancy.party_id).where(Occupancy.room_id.in_(rooms))
        veh = select(Vehicle.party_id).where(or_(Vehicle.space_room_id.in_(rooms), Vehicle.home_room_id.in_(rooms)))
        return [or_(Party.id.in_(occ), Party.id.in_(veh))]
    if table == "occupancy":
        return [Occupancy.room_id.in_(rooms)]
    if table == "vehicle":
        return [or_(Vehicle.space_room_id.in_(rooms), Vehicle.home_room_id.in_(rooms))]
    if table == "bank_mandate":  # bank collection (托收) runs at a counter: docs/bank-collection.md
        return [BankMandate.room_id.in_(rooms)]
    if table == "tariff_version":
        return [TariffVersion.fee_item_id.in_(select(FeeItem.id).where(FeeItem.community_id == c))]
    if table in ("role", "app_user"):
        return []
    if table == "ledger_account":  # the community's rooms' accounts and the company-level ones
        return [or_(LedgerAccount.room_id.in_(rooms), LedgerAccount.room_id.is_(None))]
    raise KeyError(table)


def snapshot_lines_filter(c: str) -> list[Any]:
    """Bill lines a joining counter gets: every line of the community's rooms. (A window of
    13 months was tried first: the payments of lines outside it then point at lines the
    counter lacks, and a line paid long ago in part showed as wholly owed — docs/sync.md.)"""
    return [BillLine.room_id.in_(_rooms(c))]


def _payments_of(c: str):  # type: ignore[no-untyped-def]
    return select(Payment.id).where(Payment.room_id.in_(_rooms(c)))


def _room_accounts(c: str):  # type: ignore[no-untyped-def]
    return select(LedgerAccount.id).where(LedgerAccount.room_id.in_(_rooms(c)))


def _bill_runs_of(c: str) -> list[Any]:
    return [or_(BillRun.community_id == c, BillRun.community_id.is_(None))]


def _bill_txns(c: str) -> list[Any]:
    runs = select(BillRun.id).where(*_bill_runs_of(c))
    lines = select(BillLine.id).where(*snapshot_lines_filter(c))
    return [or_(and_(LedgerTxn.ref_type == "bill_run", LedgerTxn.ref_id.in_(runs)),
                and_(LedgerTxn.ref_type == "bill_line", LedgerTxn.ref_id.in_(lines)))]


BILL_REFS = ("bill_run", "bill_line")


def _fact_txns(c: str) -> list[Any]:
    """The other transactions that move the community's rooms' money (payments, voids,
    waivers, double payments turned into credit…). Every bill_run / bill_line txn touching
    the community is a bill txn (shipped in phase 1), so the ref type tells them apart."""
    accounts = LedgerAccount.__table__.alias("fa")
    postings = Posting.__table__.alias("fp")
    # An uncorrelated IN, never a per-transaction subquery: with statistics missing (a
    # join right after a bulk load on central, before autovacuum analysed the tables) a
    # correlated probe was planned room-first and re-read every room's account for each
    # transaction — 60 s for one page on a 2,000-room community. A set can only be hashed
    # or merged: bounded either way.
    touching = (select(postings.c.txn_id).join(accounts, accounts.c.id == postings.c.account_id)
                .where(accounts.c.room_id.in_(_rooms(c))))
    return [or_(LedgerTxn.ref_type.is_(None), LedgerTxn.ref_type.notin_(BILL_REFS)), LedgerTxn.id.in_(touching)]


def _shipped_accounts(c: str):  # type: ignore[no-untyped-def]
    return select(LedgerAccount.id).where(*master_filter("ledger_account", c))


def _postings_of(txns: Any, c: str) -> list[Any]:
    """Postings of these txns on accounts the community ships (a bill run over every
    community posts other communities' rooms too: those stay at central)."""
    accounts = select(LedgerAccount.id).where(*master_filter("ledger_account", c))
    return [Posting.txn_id.in_(txns), Posting.account_id.in_(accounts)]


@dataclass(frozen=True)
class Part:
    """One table of a snapshot, paged by primary key (`id`). `phases`: row filters served one
    after the other (bill lines: charges first, then the corrections that point at them);
    a page key of a later phase is "<phase>:<id>", so keys stay opaque, ascending strings."""

    table: str
    phases: tuple[tuple[Any, ...], ...]
    # Rows that name a terminal by central's id carry its code too: terminal ids are made per
    # database, so the counter maps the code to its own row (app/services/sync/pull.py).
    with_terminal: bool = False
    # Big child tables are paged by their parent instead (`by_parent`): a page is every row
    # of the next `chunk` parents (ids ascending), found through the child's foreign-key
    # index. Paging such a table by its own id made the database re-filter the whole table
    # for every page (a 3,000-room community: 67 s for bill lines, 160 s for postings on
    # PostgreSQL; docs/sync.md "Join").
    by_parent: "Parent | None" = None


@dataclass(frozen=True)
class Parent:
    fk: Any  # the child's column pointing at the parent (indexed)
    table: Any  # the parent's table
    phases: tuple[tuple[Any, ...], ...]  # parent filters, one per phase of the part
    rows_per_parent: int  # a guess, to size chunks near the page limit


def snapshot_parts(c: str) -> list[Part]:
    parts = [Part(t, (tuple(master_filter(t, c)),)) for t in MASTER_TABLES]
    line_filter = snapshot_lines_filter(c)
    payments = _payments_of(c)
    parts += [
        Part("bill_run", (tuple(_bill_runs_of(c)),)),
        Part("bill_line", ((BillLine.corrects_id.is_(None),), (BillLine.corrects_id.is_not(None),)),
             by_parent=Parent(BillLine.room_id, Room.__table__,
                              ((Room.community_id == c,), (Room.community_id == c,)), rows_per_parent=50)),
        Part("bill_adjustment", ((BillAdjustment.bill_line_id.in_(select(BillLine.id).where(*line_filter)),),)),
        Part("ledger_txn", (tuple(_bill_txns(c)), tuple(_fact_txns(c)))),
        Part("posting", ((Posting.account_id.in_(_shipped_accounts(c)),), (Posting.account_id.in_(_shipped_accounts(c)),)),
             by_parent=Parent(Posting.txn_id, LedgerTxn.__table__,
                              (tuple(_bill_txns(c)), tuple(_fact_txns(c))), rows_per_parent=3)),
        # The payment facts: what the counter shows as paid, prepaid and deposited, and the
        # receipts it can look up and verify. Parents first; a refund's payment points at an
        # earlier payment (ids are time-ordered, pages go by id).
        Part("shift", ((Shift.id.in_(select(Payment.shift_id).where(Payment.id.in_(payments))),),),
             with_terminal=True),
        Part("payment", ((Payment.id.in_(payments),),), with_terminal=True),
        Part("receipt", ((Receipt.payment_id.in_(payments),),), with_terminal=True),
        Part("tender", ((Tender.payment_id.in_(payments),),)),
        Part("allocation", ((Allocation.payment_id.in_(payments),),)),
        Part("deposit", ((Deposit.room_id.in_(_rooms(c)),),)),
        Part("receipt_void", ((ReceiptVoid.receipt_id.in_(select(Receipt.id).where(Receipt.payment_id.in_(payments))),),)),
    ]
    return parts


def master_rows(s: Session, c: str, tables: list[str]) -> dict[str, list[dict[str, Any]]]:
    return {t: dump_rows(s, t, *master_filter(t, c)) for t in MASTER_TABLES if t in tables}


def _accounts_of(s: Session, txns: Any, c: str) -> list[dict[str, Any]]:
    """The accounts the shipped postings of these txns use (not every account of the community)."""
    used = select(Posting.account_id).where(*_postings_of(txns, c))
    return dump_rows(s, "ledger_account", LedgerAccount.id.in_(used))


def bill_run_rows(s: Session, c: str, run_id: str, period: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """A bill run's rows for community `c`: by PERIOD, not only this run's id — a run written
    in committed chunks that failed half way and was run again has lines under two run ids,
    and the second run's change must bring the first one's lines too (upserts: harmless)."""
    run = s.get(BillRun, run_id)
    if run is None:
        return {}
    period = period or run.period
    rooms = _rooms(c)
    runs = select(BillRun.id).where(BillRun.period == period, *_bill_runs_of(c))
    txns = select(LedgerTxn.id).where(LedgerTxn.ref_type == "bill_run", LedgerTxn.ref_id.in_(runs))
    return {
        "ledger_account": _accounts_of(s, txns, c),
        "bill_run": dump_rows(s, "bill_run", BillRun.id.in_(runs)),
        "bill_line": dump_rows(s, "bill_line", BillLine.bill_run_id.in_(runs), BillLine.room_id.in_(rooms)),
        "ledger_txn": dump_rows(s, "ledger_txn", LedgerTxn.id.in_(txns)),
        "posting": dump_rows(s, "posting", *_postings_of(txns, c)),
    }


def correction_rows(s: Session, c: str, line_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    rooms = _rooms(c)
    lines = [BillLine.id.in_(line_ids), BillLine.room_id.in_(rooms)]
    targets = select(BillLine.corrects_id).where(*lines)
    txns = select(LedgerTxn.id).where(LedgerTxn.ref_type == "bill_line", LedgerTxn.ref_id.in_(line_ids))
    return {
        "ledger_account": _accounts_of(s, txns, c),
        "bill_line": dump_rows(s, "bill_line", BillLine.id.in_(targets)) + dump_rows(s, "bill_line", *lines),
        "ledger_txn": dump_rows(s, "ledger_txn", LedgerTxn.id.in_(txns)),
        "posting": dump_rows(s, "posting", *_postings_of(txns, c)),
    }


