"""terminal.gateways: the counter's non-secret payment-gateway settings (issue 12)

The merchant secrets (WeChat API key, Alipay private key) are never stored here: they live in
the OS keyring or a file only the user can read (app.services.gateway_settings).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 02:10:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('terminal') as batch:
        batch.add_column(sa.Column('gateways', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('terminal') as batch:
        batch.drop_column('gateways')
