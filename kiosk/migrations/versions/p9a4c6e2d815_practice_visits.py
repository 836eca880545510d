"""Practice visits: a flag on the visit and on its help requests; a visit's participant id is the core's

Revision ID: p9a4c6e2d815
Revises: c4e1a7b9d302
Create Date: 2026-12-07 10:00:00

kiosk_session.participant_id loses its foreign key to participant: with the HTTP core the
participant is not a row here, and a practice visit's participant is the practice record
(kiosk.core.practice.PRACTICE_ID), which never is.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'p9a4c6e2d815'
down_revision = 'c4e1a7b9d302'
branch_labels = None
depends_on = None

# SQLite keeps the foreign key unnamed: batch mode names it by this convention to drop it.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
SQLITE_FK = "fk_kiosk_session_participant_id_participant"


def _participant_fk() -> str | None:
    """The name of kiosk_session's foreign key on participant_id (None: unnamed, or none)."""
    for key in sa.inspect(op.get_bind()).get_foreign_keys('kiosk_session'):
        if key['constrained_columns'] == ['participant_id']:
            return key['name'] or SQLITE_FK
    return None


def upgrade():
    name = _participant_fk()
    with op.batch_alter_table('kiosk_session', naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column('practice', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        if name is not None:
            batch_op.drop_constraint(name, type_='foreignkey')
    with op.batch_alter_table('help_request') as batch_op:
        batch_op.add_column(sa.Column('practice', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    # Practice visits name a participant that is no row: they end (nothing of them is kept).
    op.execute("DELETE FROM kiosk_session WHERE practice")
    with op.batch_alter_table('help_request') as batch_op:
        batch_op.drop_column('practice')
    with op.batch_alter_table('kiosk_session', naming_convention=NAMING) as batch_op:
        batch_op.drop_column('practice')
        batch_op.create_foreign_key('kiosk_session_participant_id_fkey', 'participant',
                                    ['participant_id'], ['id'])
