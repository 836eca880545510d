"""Kiosk device secret: the hash of the secret a kiosk's device cookie carries (revocable)

Revision ID: h7d2c4e8a1b3
Revises: b3e9d1f5c7a2
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h7d2c4e8a1b3'
down_revision = 'b3e9d1f5c7a2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kiosk') as batch_op:
        batch_op.add_column(sa.Column('device_secret_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('kiosk') as batch_op:
        batch_op.drop_column('device_secret_hash')
