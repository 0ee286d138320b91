"""day close: which merchant account and file a statement came from; what else the day close
locked (totals by cashier and fee item, matched count, discrepancies) (issue 14 item 3)

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-02 04:10:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('statement') as batch:
        batch.add_column(sa.Column('account', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('file_name', sa.String(length=200), nullable=True))
    with op.batch_alter_table('day_close') as batch:
        batch.add_column(sa.Column('detail', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('day_close') as batch:
        batch.drop_column('detail')
    with op.batch_alter_table('statement') as batch:
        batch.drop_column('file_name')
        batch.drop_column('account')
