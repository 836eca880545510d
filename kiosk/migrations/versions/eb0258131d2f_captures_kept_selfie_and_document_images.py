"""Captures: the kept selfie frame and the papers held up to the camera

Revision ID: eb0258131d2f
Revises: b1542c6b5d90
Create Date: 2026-11-24 06:30:43.958790

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eb0258131d2f'
down_revision = 'b1542c6b5d90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('capture',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('document', sa.String(length=30), nullable=True),
    sa.Column('session_id', sa.String(length=64), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('quality', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delete_after', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('capture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capture_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index('ix_capture_session_kind', ['session_id', 'kind'], unique=False)



def downgrade():
    with op.batch_alter_table('capture', schema=None) as batch_op:
        batch_op.drop_index('ix_capture_session_kind')
        batch_op.drop_index(batch_op.f('ix_capture_claim_id'))

    op.drop_table('capture')
