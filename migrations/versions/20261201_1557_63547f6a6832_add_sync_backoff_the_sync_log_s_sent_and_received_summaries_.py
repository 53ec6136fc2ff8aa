"""Add sync backoff, the sync log's sent and received summaries, and price/stock drift

WARNING: the previous release is still running while this migration runs.
Expand, then contract: add columns nullable or with a temporary server_default,
backfill, and only drop or tighten in a later migration.


Revision ID: 63547f6a6832
Revises: 20d77b6f962a
Create Date: 2026-12-01 15:57:30.030632

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '63547f6a6832'
down_revision = '20d77b6f962a'
branch_labels = None
depends_on = None


def upgrade():
    # Read-back drift per variant: one row per episode, resolved by an agreeing read-back.
    op.create_table('price_stock_drifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('seller_sku', sa.String(length=60), nullable=False),
    sa.Column('wanted_price', sa.Integer(), nullable=False),
    sa.Column('wanted_stock', sa.Integer(), nullable=False),
    sa.Column('seen_price', sa.Integer(), nullable=True),
    sa.Column('seen_stock', sa.Integer(), nullable=True),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_price_stock_drifts_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_price_stock_drifts_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_price_stock_drifts_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_stock_drifts'))
    )
    with op.batch_alter_table('price_stock_drifts', schema=None) as batch_op:
        batch_op.create_index('ix_price_stock_drifts_shop_resolved', ['shop_id', 'resolved_at'], unique=False)

    # The price and stock a platform refused, held back until they change.
    with op.batch_alter_table('listing_variants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_price', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('refused_stock', sa.Integer(), nullable=True))

    # Backoff per listing; attempts gets a server default so rows of the running release count 0.
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_fields', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refused_hash', sa.String(length=64), nullable=True))

    # What each write sent and got back, and the platform's own code and words.
    with op.batch_alter_table('sync_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('detail', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sent', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('received', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('sync_events', schema=None) as batch_op:
        batch_op.drop_column('received')
        batch_op.drop_column('sent')
        batch_op.drop_column('detail')
        batch_op.drop_column('code')

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_column('refused_hash')
        batch_op.drop_column('retry_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('content_fields')

    with op.batch_alter_table('listing_variants', schema=None) as batch_op:
        batch_op.drop_column('refused_stock')
        batch_op.drop_column('refused_price')

    with op.batch_alter_table('price_stock_drifts', schema=None) as batch_op:
        batch_op.drop_index('ix_price_stock_drifts_shop_resolved')

    op.drop_table('price_stock_drifts')
