"""Help requests belong to a visit; one open claim per participant; phone change kept with the claim

Revision ID: a7d3c2e81f04
Revises: 5c3a9e1f7d20
Create Date: 2026-11-30 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d3c2e81f04'
down_revision = '5c3a9e1f7d20'
branch_labels = None
depends_on = None

OPEN_STATES = "state IN ('queued', 'submitted', 'needs_staff', 'approved')"


def upgrade():
    with op.batch_alter_table('help_request') as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_help_request_session_id', ['session_id'], unique=False)
        batch_op.create_index('ix_help_request_status', ['status'], unique=False)
    with op.batch_alter_table('kiosk_session') as batch_op:
        batch_op.create_index('ix_kiosk_session_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('claim') as batch_op:
        batch_op.add_column(sa.Column('new_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    # Requests raised before visits owned them cannot reach a visit any more.
    op.execute("UPDATE help_request SET status = 'resolved', resolution = 'visit_ended' "
               "WHERE status != 'resolved'")
    op.create_index('uq_claim_open_per_participant', 'claim', ['participant_id'], unique=True,
                    sqlite_where=sa.text(OPEN_STATES), postgresql_where=sa.text(OPEN_STATES))


def downgrade():
    op.drop_index('uq_claim_open_per_participant', table_name='claim')
    with op.batch_alter_table('claim') as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('new_phone')
    with op.batch_alter_table('kiosk_session') as batch_op:
        batch_op.drop_index('ix_kiosk_session_updated_at')
    with op.batch_alter_table('help_request') as batch_op:
        batch_op.drop_index('ix_help_request_status')
        batch_op.drop_index('ix_help_request_session_id')
        batch_op.drop_column('resolution')
        batch_op.drop_column('session_id')
