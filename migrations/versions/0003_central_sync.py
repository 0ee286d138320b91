"""central sync: terminal tokens and grants, sync_event status, sync_change

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:50:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# BIGINT identity on PostgreSQL; SQLite auto-numbers only a column declared exactly INTEGER PRIMARY KEY.
SEQ = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('terminal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('communities', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pushed_seq', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_terminal_token_hash'), ['token_hash'])

    with op.batch_alter_table('sync_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default=sa.text("'applied'"),
                                      nullable=False))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('community_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_sync_event_community_id'), ['community_id'], unique=False)
        if op.get_bind().dialect.name == 'sqlite':  # make server_seq SQLite's auto-numbered rowid
            batch_op.alter_column('server_seq', existing_type=sa.BigInteger(), type_=SEQ)
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_seq', sa.BigInteger(), nullable=True))
        if op.get_bind().dialect.name == 'sqlite':
            batch_op.alter_column('id', existing_type=sa.BigInteger(), type_=SEQ)

    op.create_table('sync_change',
    sa.Column('change_seq', SEQ, autoincrement=True, nullable=False),
    sa.Column('community_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('ref', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('change_seq', name=op.f('pk_sync_change'))
    )
    with op.batch_alter_table('sync_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_change_community_id'), ['community_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_change_community_id'))
    op.drop_table('sync_change')
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        if op.get_bind().dialect.name == 'sqlite':
            batch_op.alter_column('id', existing_type=SEQ, type_=sa.BigInteger())
        batch_op.drop_column('device_seq')
    with op.batch_alter_table('sync_event', schema=None) as batch_op:
        if op.get_bind().dialect.name == 'sqlite':
            batch_op.alter_column('server_seq', existing_type=SEQ, type_=sa.BigInteger())
        batch_op.drop_index(batch_op.f('ix_sync_event_community_id'))
        batch_op.drop_column('community_id')
        batch_op.drop_column('reason')
        batch_op.drop_column('status')
    with op.batch_alter_table('terminal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_terminal_token_hash'), type_='unique')
        batch_op.drop_column('pushed_seq')
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('communities')
        batch_op.drop_column('token_hash')
