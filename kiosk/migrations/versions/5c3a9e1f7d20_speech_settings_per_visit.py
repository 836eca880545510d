"""Speech settings per visit: slower speech, speech off, volume

Revision ID: 5c3a9e1f7d20
Revises: eb0258131d2f
Create Date: 2026-11-26 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c3a9e1f7d20'
down_revision = 'eb0258131d2f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kiosk_session') as batch_op:
        batch_op.add_column(sa.Column('speech_slow', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('speech_off', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('speech_volume', sa.Integer(), nullable=False,
                                      server_default='2'))


def downgrade():
    with op.batch_alter_table('kiosk_session') as batch_op:
        batch_op.drop_column('speech_volume')
        batch_op.drop_column('speech_off')
        batch_op.drop_column('speech_slow')
