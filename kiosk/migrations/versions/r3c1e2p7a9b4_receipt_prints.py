"""Receipt prints: a claim's first receipt printed once, staff reprints

Revision ID: r3c1e2p7a9b4
Revises: h7d2c4e8a1b3
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'r3c1e2p7a9b4'
down_revision = 'h7d2c4e8a1b3'
branch_labels = None
depends_on = None

FIRST_PRINT = "kind = 'first'"


def upgrade():
    op.create_table(
        'receipt_print',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('kiosk_id', sa.String(length=20), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('fault', sa.String(length=20), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['claim_id'], ['claim.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_receipt_print_claim_id', 'receipt_print', ['claim_id'], unique=False)
    op.create_index('uq_receipt_print_first', 'receipt_print', ['claim_id'], unique=True,
                    sqlite_where=sa.text(FIRST_PRINT), postgresql_where=sa.text(FIRST_PRINT))


def downgrade():
    op.drop_index('uq_receipt_print_first', table_name='receipt_print')
    op.drop_index('ix_receipt_print_claim_id', table_name='receipt_print')
    op.drop_table('receipt_print')
