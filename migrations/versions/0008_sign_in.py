"""sign-in: forced password change, failed sign-ins and lockout on app_user

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-02 04:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.text('false'),
                                      nullable=False))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(), nullable=True))
    # both names of an approval on the spot (docs/permissions.md)
    with op.batch_alter_table('receipt_void', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by', sa.String(length=40), nullable=True))
    with op.batch_alter_table('bill_adjustment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bill_adjustment', schema=None) as batch_op:
        batch_op.drop_column('requested_by')
    with op.batch_alter_table('receipt_void', schema=None) as batch_op:
        batch_op.drop_column('approved_by')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('locked_at')
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('must_change_password')
