"""The staff console: staff members, the audit log, who answered a help request, claim decisions,
kiosk device state

Revision ID: b3e9d1f5c7a2
Revises: a7d3c2e81f04
Create Date: 2026-11-30 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e9d1f5c7a2'
down_revision = 'a7d3c2e81f04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=50), nullable=False),
        sa.Column('display_name', sa.String(length=100), nullable=False),
        sa.Column('role', sa.String(length=12), nullable=False),
        sa.Column('password_hash', sa.String(length=200), nullable=False),
        sa.Column('pin_hash', sa.String(length=200), nullable=True),
        sa.Column('disabled', sa.Boolean(), nullable=False),
        sa.Column('session_version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('username'),
    )
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('username', sa.String(length=50), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('kiosk_id', sa.String(length=20), nullable=True),
        sa.Column('help_request_id', sa.Integer(), nullable=True),
        sa.Column('claim_number', sa.String(length=12), nullable=True),
        sa.Column('detail', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_entry_at', 'audit_entry', ['at'], unique=False)
    with op.batch_alter_table('help_request') as batch_op:
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('staff_name', sa.String(length=100), nullable=True))
        batch_op.create_foreign_key('fk_help_request_staff_id', 'staff_member', ['staff_id'],
                                    ['id'])
    with op.batch_alter_table('claim') as batch_op:
        batch_op.add_column(sa.Column('decided_by', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('decision_note', sa.String(length=300), nullable=True))
    with op.batch_alter_table('kiosk') as batch_op:
        batch_op.add_column(sa.Column('devices', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('kiosk') as batch_op:
        batch_op.drop_column('devices')
    with op.batch_alter_table('claim') as batch_op:
        batch_op.drop_column('decision_note')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by')
    with op.batch_alter_table('help_request') as batch_op:
        batch_op.drop_constraint('fk_help_request_staff_id', type_='foreignkey')
        batch_op.drop_column('staff_name')
        batch_op.drop_column('staff_id')
    op.drop_index('ix_audit_entry_at', table_name='audit_entry')
    op.drop_table('audit_entry')
    op.drop_table('staff_member')
