"""bank collection (托收): mandates, batches and their lines; tender.method widened for bank_collect

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-02 04:10:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.alter_column('method', existing_type=sa.String(length=10), type_=sa.String(length=16),
                              existing_nullable=False)

    op.create_table('bank_mandate',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('room_id', sa.String(length=36), nullable=False),
    sa.Column('bank_name', sa.String(length=60), nullable=True),
    sa.Column('account_no', sa.String(length=32), nullable=True),
    sa.Column('account_holder', sa.String(length=100), nullable=True),
    sa.Column('mandate_no', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_bank_mandate_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_mandate')),
    sa.UniqueConstraint('room_id', name=op.f('uq_bank_mandate_room_id'))
    )
    op.create_table('collect_batch',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('batch_no', sa.String(length=24), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('community_id', sa.String(length=36), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_collect_batch_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collect_batch')),
    sa.UniqueConstraint('batch_no', name=op.f('uq_collect_batch_batch_no'))
    )
    with op.batch_alter_table('collect_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collect_batch_period'), ['period'], unique=False)
    op.create_table('collect_line',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('batch_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.String(length=36), nullable=False),
    sa.Column('mandate_id', sa.String(length=36), nullable=False),
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason_code', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.String(length=100), nullable=True),
    sa.Column('bank_ref', sa.String(length=40), nullable=True),
    sa.Column('payment_id', sa.String(length=36), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['collect_batch.id'], name=op.f('fk_collect_line_batch_id_collect_batch')),
    sa.ForeignKeyConstraint(['mandate_id'], ['bank_mandate.id'], name=op.f('fk_collect_line_mandate_id_bank_mandate')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_collect_line_payment_id_payment')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_collect_line_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collect_line')),
    sa.UniqueConstraint('batch_id', 'seq', name=op.f('uq_collect_line_batch_id_seq'))
    )
    with op.batch_alter_table('collect_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collect_line_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collect_line_room_id'), ['room_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('collect_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collect_line_room_id'))
        batch_op.drop_index(batch_op.f('ix_collect_line_batch_id'))
    op.drop_table('collect_line')
    with op.batch_alter_table('collect_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collect_batch_period'))
    op.drop_table('collect_batch')
    op.drop_table('bank_mandate')
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.alter_column('method', existing_type=sa.String(length=16), type_=sa.String(length=10),
                              existing_nullable=False)
