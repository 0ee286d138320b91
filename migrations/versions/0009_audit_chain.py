"""audit chain: audit_event.chain/seq/prev_hash/hash/facts and audit_chain_head (issue 15)

Existing databases: the chain starts over the events already there. They are sealed in the
order they happened (at, then id) per terminal, each with the digest of the payment or void
rows it stands for as they are at upgrade time — so the chain vouches for the past from the
upgrade on, not for what may have been edited before it (docs/security.md).

Revision ID: 0009
Revises: 0003
Create Date: 2026-12-02 04:10:00
"""
from __future__ import annotations

import json

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('facts', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_chain_seq'), ['chain', 'seq'])
    op.create_table('audit_chain_head',
    sa.Column('chain', sa.String(length=20), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('chain', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('central_audit_head',
    sa.Column('terminal', sa.String(length=20), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('terminal', name=op.f('pk_central_audit_head'))
    )
    _seal_existing()
    _move_receipt_keys_out()


def _move_receipt_keys_out() -> None:
    """terminal.hmac_key: the key goes to the secret store, the row keeps `kid:<id>`
    (app/services/receipt_keys.py)."""
    from app.services import receipt_keys

    conn = op.get_bind()
    store = None
    for tid, value in conn.execute(sa.text("SELECT id, hmac_key FROM terminal")).all():
        if value and not receipt_keys.is_reference(value):
            store = store or receipt_keys.store_for(conn.engine.url.render_as_string(hide_password=False))
            conn.execute(sa.text("UPDATE terminal SET hmac_key = :v WHERE id = :i"),
                         {"v": receipt_keys.move_out(value, store), "i": tid})


def _seal_existing() -> None:
    """Chain the events already in the database (see the module docstring)."""
    from datetime import timezone

    from sqlalchemy.orm import Session

    from app import clock
    from app.db.models import AuditChainHead, AuditEvent
    from app.services import audit

    conn = op.get_bind()
    cols = ('id', 'at', 'user', 'terminal_code', 'action', 'entity', 'entity_id', 'detail')
    rows = conn.execute(sa.text(f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM audit_event "
                                "ORDER BY at, id")).all()
    if not rows:
        return
    s = Session(bind=conn)
    heads: dict[str, AuditChainHead] = {}
    now = clock.now()
    updates = []
    for row in rows:
        d = dict(zip(cols, row))
        at = d['at']
        if isinstance(at, str):  # SQLite hands back text through a raw query
            from datetime import datetime
            at = datetime.fromisoformat(at)
        ev = AuditEvent(id=d['id'], at=at.replace(tzinfo=timezone.utc), user=d['user'],
                        terminal_code=d['terminal_code'], action=d['action'], entity=d['entity'],
                        entity_id=d['entity_id'], detail=None if d['detail'] is None else json.loads(d['detail']))
        chain = audit.chain_of(ev.terminal_code)
        head = heads.get(chain)
        if head is None:
            head = heads[chain] = AuditChainHead(chain=chain, seq=0, hash=audit.GENESIS, started_at=now,
                                                 updated_at=now)
        ev.facts = audit.facts_digest(s, ev.action, ev.entity, ev.entity_id)
        audit.append(s, head, ev)
        updates.append({"k": ev.id, "chain": ev.chain, "seq": ev.seq, "prev_hash": ev.prev_hash, "hash": ev.hash,
                        "facts": ev.facts})
    conn.execute(sa.text("UPDATE audit_event SET chain = :chain, seq = :seq, prev_hash = :prev_hash, hash = :hash, "
                         "facts = :facts WHERE id = :k"), updates)
    fmt = lambda t: t.astimezone(timezone.utc).replace(tzinfo=None)  # noqa: E731
    conn.execute(sa.text("INSERT INTO audit_chain_head (chain, seq, hash, started_at, updated_at) "
                         "VALUES (:chain, :seq, :hash, :started_at, :updated_at)"),
                 [{"chain": h.chain, "seq": h.seq, "hash": h.hash, "started_at": fmt(h.started_at),
                   "updated_at": fmt(h.updated_at)} for h in heads.values()])
    s.close()


def downgrade() -> None:
    from app.services import receipt_keys

    conn = op.get_bind()
    store = None
    for tid, value in conn.execute(sa.text("SELECT id, hmac_key FROM terminal")).all():
        if receipt_keys.is_reference(value):  # the key back into the row, as 0003 expects
            store = store or receipt_keys.store_for(conn.engine.url.render_as_string(hide_password=False))
            conn.execute(sa.text("UPDATE terminal SET hmac_key = :v WHERE id = :i"),
                         {"v": receipt_keys.resolve(value, store) or "", "i": tid})
    op.drop_table('central_audit_head')
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_chain_seq'), type_='unique')
        batch_op.drop_column('facts')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('chain')
