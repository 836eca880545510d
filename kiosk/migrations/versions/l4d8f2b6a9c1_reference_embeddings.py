"""Reference embeddings: each participant's reference photo embedded once

Revision ID: l4d8f2b6a9c1
Revises: r3c1e2p7a9b4
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'l4d8f2b6a9c1'
down_revision = 'r3c1e2p7a9b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reference_embedding',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('photo_sha256', sa.String(length=64), nullable=False),
    sa.Column('embedding', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id')
    )


def downgrade():
    op.drop_table('reference_embedding')
