"""meters: communication address and protocol of a meter (issue 13)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 03:50:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('protocol', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meter', schema=None) as batch_op:
        batch_op.drop_column('protocol')
        batch_op.drop_column('address')
