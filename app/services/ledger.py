"""The double-entry ledger: accounts by code, balanced transactions, and the check that
proves every cached balance equals its postings.

Account codes: 'AR:<room>' receivable (what the room owes), 'PRE:<room>' prepaid balance,
'DEP:<room>' deposits held, 'INC:<fee item>' fee income, 'LATE:<community>' late-fee
income, 'TND:<method>:<terminal>' money received by a counter in a tender, 'CHG:<terminal>'
(cash handed back as change is netted into TND:cash, so it has no account).
Debits are positive, credits negative; a room's debt is the debit balance of its AR account,
its prepaid balance the credit balance of PRE (shown as a positive number). Balances are
sums of postings (indexed by account), never a stored number that could drift.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.engine import bulk_insert, fetch_raw
from app.db.models import LedgerAccount, LedgerTxn, Posting
from app.ids import new_id, new_ids, stable_id

KIND_BY_PREFIX = {"AR": "asset", "PRE": "liability", "DEP": "liability", "INC": "income", "LATE": "income",
                  "TND": "asset"}
NAME_BY_PREFIX = {"AR": "应收", "PRE": "预存", "DEP": "押金", "INC": "收入", "LATE": "滞纳金收入", "TND": "收款"}


class LedgerImbalance(AssertionError):
    """A transaction whose postings do not sum to zero: a programming error, never input."""


def room_account(prefix: str, room_id: str) -> str:
    """A room's own account: AR (owed), PRE (prepaid held), DEP (deposits held). Account
    codes are made here and only here (and by the tender registry for tender accounts)."""
    return f"{prefix}:{room_id}"


def income_account(fee_item_id: str) -> str:
    return f"INC:{fee_item_id}"


def late_fee_account(community_id: str) -> str:
    return f"LATE:{community_id}"


def ensure_accounts(s: Session, codes: Iterable[str], room_of: dict[str, str] | None = None) -> dict[str, str]:
    """code -> account id, creating missing accounts in bulk."""
    wanted = sorted(set(codes))
    found: dict[str, str] = {}
    conn = s.connection()
    acc = LedgerAccount.__table__.c
    if len(wanted) > 5000:  # a bill run: one scan of the accounts beats 100 IN-lists
        prefixes = sorted({c.split(":", 1)[0] for c in wanted})
        for prefix in prefixes:
            found.update(fetch_raw(conn, select(acc.code, acc.id).where(acc.code.like(f"{prefix}:%"))))
        found = {c: found[c] for c in wanted if c in found}
    else:
        for i in range(0, len(wanted), 900):
            found.update(fetch_raw(conn, select(acc.code, acc.id).where(acc.code.in_(wanted[i:i + 900]))))
    missing = [c for c in wanted if c not in found]
    if missing:
        # ids from the code: central and every counter agree on an account's id (rows synced by id)
        ids = [stable_id("ledger_account", c) for c in missing]
        rows = []
        for code, id_ in zip(missing, ids):
            prefix, _, rest = code.partition(":")
            room_id = (room_of or {}).get(code) or (rest if prefix in ("AR", "PRE", "DEP") else None)
            rows.append((id_, code, KIND_BY_PREFIX.get(prefix, "asset"), f"{NAME_BY_PREFIX.get(prefix, prefix)} {rest}",
                         room_id))
        # A bill run, or any SQLite transaction (one writer: BEGIN IMMEDIATE holds the lock from the
        # lookup above to this insert, so no other counter can create the account in between).
        if len(rows) > 5000 or conn.dialect.name == "sqlite":
            bulk_insert(conn, "ledger_account", ("id", "code", "kind", "name", "room_id"), rows)
            found.update((r[1], r[0]) for r in rows)
        else:
            _insert_if_absent(conn, rows)
            for i in range(0, len(missing), 900):  # the ids that won, ours or another counter's
                found.update(fetch_raw(conn, select(acc.code, acc.id).where(acc.code.in_(missing[i:i + 900]))))
    return found


def _insert_if_absent(conn, rows: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    """Two counters may create the same shared account (a community's LATE, a fee's INC) at
    the same moment on PostgreSQL: the second insert waits for the first and then does
    nothing, instead of failing the payment with a duplicate key."""
    table = LedgerAccount.__table__
    name = conn.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - the two databases we run on
        conn.execute(table.insert(), [dict(zip(("id", "code", "kind", "name", "room_id"), r)) for r in rows])
        return
    conn.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=["code"]),
                 [dict(zip(("id", "code", "kind", "name", "room_id"), r)) for r in rows])


def post(s: Session, kind: str, entries: Iterable[tuple[str, int]], *, ref_type: str | None = None,
         ref_id: str | None = None, memo: str | None = None, user: str | None = None,
         terminal: str | None = None, reverses_id: str | None = None, txn_id: str | None = None,
         accounts: dict[str, str] | None = None) -> str:
    """Write one balanced transaction. Entries with the same account are merged; zero
    entries are dropped. Returns the transaction id. `accounts`: code -> id of accounts the
    caller already has (a bill run looks them all up once); the others are looked up here."""
    merged: dict[str, int] = defaultdict(int)
    for code, amount in entries:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"posting amount must be int fen, got {type(amount).__name__}")
        merged[code] += amount
    merged = {c: a for c, a in merged.items() if a != 0}
    total = sum(merged.values())
    if total != 0:
        raise LedgerImbalance(f"{kind} transaction does not balance: {total} fen ({dict(merged)})")
    known = accounts or {}
    accounts = {c: known[c] for c in merged if c in known}
    if len(accounts) < len(merged):
        accounts.update(ensure_accounts(s, [c for c in merged if c not in known]))
    txn_id = txn_id or new_id()
    s.execute(LedgerTxn.__table__.insert(), [{
        "id": txn_id, "kind": kind, "ref_type": ref_type, "ref_id": ref_id, "memo": memo, "created_by": user,
        "terminal_code": terminal, "reverses_id": reverses_id, "created_at": utcnow()}])
    if merged:
        ids = new_ids(len(merged))
        bulk_insert(s.connection(), "posting", ("id", "txn_id", "account_id", "amount_fen"),
                    [(pid, txn_id, accounts[c], a) for pid, (c, a) in zip(ids, sorted(merged.items()))])
    return txn_id


def post_prepared(s: Session, kind: str, txn_id: str, source: str, expected: int, *, ref_type: str | None = None,
                  ref_id: str | None = None, memo: str | None = None, user: str | None = None,
                  terminal: str | None = None) -> str:
    """Write one balanced transaction whose postings were made elsewhere — a bill run's child
    process (app/services/billing/chunk_files.py) — and wait in table `source` (id, txn_id,
    code, fen) of an attached database: copied in one INSERT … SELECT, each account found by
    its code. The accounts must exist (the bill run creates them first); a posting without
    its account, or postings that do not sum to zero, fail the transaction."""
    conn = s.connection()
    total, n = conn.exec_driver_sql(f"SELECT coalesce(sum(fen), 0), count(*) FROM {source}").one()
    if total != 0 or n != expected:
        raise LedgerImbalance(f"{kind} transaction {txn_id} does not balance: {total} fen, {n} of {expected} postings")
    s.execute(LedgerTxn.__table__.insert(), [{
        "id": txn_id, "kind": kind, "ref_type": ref_type, "ref_id": ref_id, "memo": memo, "created_by": user,
        "terminal_code": terminal, "reverses_id": None, "created_at": utcnow()}])
    copied = conn.exec_driver_sql(
        f"INSERT INTO posting (id, txn_id, account_id, amount_fen) SELECT p.id, p.txn_id, a.id, p.fen "
        f"FROM {source} p JOIN ledger_account a ON a.code = p.code").rowcount
    if copied != expected:
        raise LedgerImbalance(f"{kind} transaction {txn_id}: {expected - copied} postings have no account")
    return txn_id


def post_many(s: Session, txns: list[dict]) -> list[str]:
    """Write many balanced transactions at once (a push batch of payments): each dict has
    `kind`, `entries` and post()'s keyword arguments. Same rules as post(); three statements
    for the lot instead of three per transaction."""
    merged_all: list[dict[str, int]] = []
    for t in txns:
        merged: dict[str, int] = defaultdict(int)
        for code, amount in t["entries"]:
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise TypeError(f"posting amount must be int fen, got {type(amount).__name__}")
            merged[code] += amount
        merged = {c: a for c, a in merged.items() if a != 0}
        if sum(merged.values()) != 0:
            raise LedgerImbalance(f"{t['kind']} transaction does not balance: {sum(merged.values())} fen ({merged})")
        merged_all.append(merged)
    accounts = ensure_accounts(s, {c for m in merged_all for c in m})
    now = utcnow()
    ids = [t.get("txn_id") or new_id() for t in txns]
    if not txns:
        return ids
    s.execute(LedgerTxn.__table__.insert(), [{
        "id": tid, "kind": t["kind"], "ref_type": t.get("ref_type"), "ref_id": t.get("ref_id"), "memo": t.get("memo"),
        "created_by": t.get("user"), "terminal_code": t.get("terminal"), "reverses_id": t.get("reverses_id"),
        "created_at": now} for tid, t in zip(ids, txns)])
    rows = [(tid, accounts[c], a) for tid, merged in zip(ids, merged_all) for c, a in sorted(merged.items())]
    if rows:
        bulk_insert(s.connection(), "posting", ("id", "txn_id", "account_id", "amount_fen"),
                    [(pid, *r) for pid, r in zip(new_ids(len(rows)), rows)])
    return ids


def reverse(s: Session, txn_id: str, kind: str, *, memo: str | None = None, user: str | None = None,
            terminal: str | None = None, ref_type: str | None = None, ref_id: str | None = None) -> str:
    """A new transaction that mirrors `txn_id` exactly (the original stays as it was)."""
    rows = s.execute(select(LedgerAccount.code, Posting.amount_fen).join(LedgerAccount, LedgerAccount.id == Posting.account_id)
                     .where(Posting.txn_id == txn_id)).all()
    return post(s, kind, [(code, -amount) for code, amount in rows], ref_type=ref_type, ref_id=ref_id, memo=memo,
                user=user, terminal=terminal, reverses_id=txn_id)


def balance(s: Session, code: str) -> int:
    return balances(s, [code])[code]


def balances(s: Session, codes: Iterable[str]) -> dict[str, int]:
    """Sum of postings per account code (0 for an account that does not exist yet)."""
    codes = list(codes)
    got: dict[str, int] = {}
    for i in range(0, len(codes), 900):
        chunk = codes[i:i + 900]
        got.update(s.execute(select(LedgerAccount.code, func.sum(Posting.amount_fen))
                             .join(Posting, Posting.account_id == LedgerAccount.id)
                             .where(LedgerAccount.code.in_(chunk)).group_by(LedgerAccount.code)).all())
    return {c: int(got.get(c) or 0) for c in codes}


def check(s: Session) -> dict:
    """Prove the books: every transaction sums to zero and the whole ledger sums to zero.
    The services add their own reconciliations of facts against these balances
    (app.services.ledger_check)."""
    unbalanced = s.execute(select(Posting.txn_id, func.sum(Posting.amount_fen)).group_by(Posting.txn_id)
                           .having(func.sum(Posting.amount_fen) != 0)).all()
    grand = s.scalar(select(func.coalesce(func.sum(Posting.amount_fen), 0))) or 0
    txns = s.scalar(select(func.count()).select_from(LedgerTxn)) or 0
    problems = [f"transaction {t} sums to {a} fen" for t, a in unbalanced[:50]]
    if grand != 0:
        problems.append(f"the whole ledger sums to {grand} fen")
    return {"ok": not problems, "transactions": txns, "problems": problems}
