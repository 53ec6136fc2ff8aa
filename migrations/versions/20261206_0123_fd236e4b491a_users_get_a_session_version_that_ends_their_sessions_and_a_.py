"""Users get a session version that ends their sessions, and a phone number

WARNING: the previous release is still running while this migration runs.
Expand, then contract: add columns nullable or with a temporary server_default,
backfill, and only drop or tighten in a later migration.


Revision ID: fd236e4b491a
Revises: 982c01df161f
Create Date: 2026-12-06 01:23:30.211530

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd236e4b491a'
down_revision = '982c01df161f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('phone')

