"""Text size as a level (100, 125, 150 %) instead of large text on/off; high contrast per visit

Revision ID: f9a2d6c1e5b7
Revises: p9a4c6e2d815
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f9a2d6c1e5b7'
down_revision = 'p9a4c6e2d815'
branch_labels = None
depends_on = None

kiosk_session = sa.table('kiosk_session', sa.column('large_text', sa.Boolean()),
                         sa.column('text_size', sa.Integer()))


def upgrade():
    with op.batch_alter_table('kiosk_session') as batch_op:
        batch_op.add_column(sa.Column('text_size', sa.Integer(), nullable=False,
                                      server_default='100'))
        batch_op.add_column(sa.Column('high_contrast', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # A visit in progress with large text keeps it: the old large text was the middle size.
    op.execute(kiosk_session.update().where(kiosk_session.c.large_text == sa.true())
               .values(text_size=125))
    with op.batch_alter_table('kiosk_session') as batch_op:
        batch_op.drop_column('large_text')


def downgrade():
    with op.batch_alter_table('kiosk_session') as batch_op:
        batch_op.add_column(sa.Column('large_text', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(kiosk_session.update().where(kiosk_session.c.text_size > 100)
               .values(large_text=True))
    with op.batch_alter_table('kiosk_session') as batch_op:
        batch_op.drop_column('high_contrast')
        batch_op.drop_column('text_size')
