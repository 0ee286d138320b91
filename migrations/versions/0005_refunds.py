"""refunds: gateway refund orders (two-phase) and deposit returns (issue 14 items 1–2)

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02 04:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('refund_order',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=10), nullable=False),
    sa.Column('out_refund_no', sa.String(length=64), nullable=False),
    sa.Column('out_trade_no', sa.String(length=64), nullable=False),
    sa.Column('payment_id', sa.String(length=36), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('gateway_refund_id', sa.String(length=64), nullable=True),
    sa.Column('refund_id', sa.String(length=36), nullable=True),
    sa.Column('terminal_id', sa.String(length=36), nullable=False),
    sa.Column('raw', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_refund_order_payment_id_payment')),
    sa.ForeignKeyConstraint(['refund_id'], ['refund.id'], name=op.f('fk_refund_order_refund_id_refund')),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_refund_order_terminal_id_terminal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_order')),
    sa.UniqueConstraint('out_refund_no', name=op.f('uq_refund_order_out_refund_no'))
    )
    with op.batch_alter_table('refund_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_order_payment_id'), ['payment_id'], unique=False)
    op.create_table('deposit_return',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('deposit_id', sa.String(length=36), nullable=False),
    sa.Column('refund_id', sa.String(length=36), nullable=False),
    sa.Column('paid_out_fen', sa.BigInteger(), nullable=False),
    sa.Column('deducted_fen', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deposit_id'], ['deposit.id'], name=op.f('fk_deposit_return_deposit_id_deposit')),
    sa.ForeignKeyConstraint(['refund_id'], ['refund.id'], name=op.f('fk_deposit_return_refund_id_refund')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposit_return')),
    sa.UniqueConstraint('deposit_id', name=op.f('uq_deposit_return_deposit_id'))
    )


def downgrade() -> None:
    op.drop_table('deposit_return')
    with op.batch_alter_table('refund_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_order_payment_id'))
    op.drop_table('refund_order')
