"""The core link: outbox retry schedule, claim status checks, the core simulator's own tables

Revision ID: c4e1a7b9d302
Revises: l4d8f2b6a9c1
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a7b9d302'
down_revision = 'l4d8f2b6a9c1'
branch_labels = None
depends_on = None

PENDING = sa.text('sent_at IS NULL')


def upgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('delivered_state', sa.String(length=20), nullable=True))
    op.create_index('ix_outbox_message_pending', 'outbox_message', ['next_attempt_at', 'id'],
                    unique=False, sqlite_where=PENDING, postgresql_where=PENDING)
    with op.batch_alter_table('claim') as batch_op:
        batch_op.add_column(sa.Column('core_checked_at', sa.DateTime(), nullable=True))
    op.create_table('core_claim',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=12), nullable=False),
        sa.Column('idempotency_key', sa.String(length=258), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=30), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('expected_payment_date', sa.Date(), nullable=True),
        sa.Column('new_phone', sa.String(length=20), nullable=True),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('idempotency_key'),
        sa.UniqueConstraint('number'),
    )
    op.create_index(op.f('ix_core_claim_participant_id'), 'core_claim', ['participant_id'],
                    unique=False)
    op.create_table('core_request',
        sa.Column('key', sa.String(length=258), nullable=False),
        sa.Column('operation', sa.String(length=30), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('response_status', sa.Integer(), nullable=True),
        sa.Column('response_body', sa.JSON(), nullable=True),
        sa.Column('times_received', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade():
    op.drop_table('core_request')
    op.drop_index(op.f('ix_core_claim_participant_id'), table_name='core_claim')
    op.drop_table('core_claim')
    with op.batch_alter_table('claim') as batch_op:
        batch_op.drop_column('core_checked_at')
    op.drop_index('ix_outbox_message_pending', table_name='outbox_message')
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.drop_column('delivered_state')
        batch_op.drop_column('next_attempt_at')
