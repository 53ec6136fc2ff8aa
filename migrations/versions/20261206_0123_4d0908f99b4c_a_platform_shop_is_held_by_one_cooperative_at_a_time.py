"""A platform shop is held by one cooperative at a time (unique among shops not disconnected)

WARNING: the previous release is still running while this migration runs.
Expand, then contract: add columns nullable or with a temporary server_default,
backfill, and only drop or tighten in a later migration.

Existing duplicates are resolved first, so the index can be built on real data: of the
rows holding the same (platform, shop id), the earliest connected one keeps it and the
others are marked disconnected (their listings and orders stay, as after a disconnect).

Revision ID: 4d0908f99b4c
Revises: fd236e4b491a
Create Date: 2026-12-06 01:23:21.168951

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d0908f99b4c'
down_revision = "fd236e4b491a"
branch_labels = None
depends_on = None

HELD = sa.text("status != 'disconnected'")
NOTE = "Another cooperative connected this shop first; disconnected when shops became unique."


def _resolve_duplicates() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, platform, platform_shop_id FROM shops "
            "WHERE status != 'disconnected' ORDER BY created_at, id"
        )
    ).all()
    seen: set[tuple[str, str]] = set()
    for shop_id, platform, platform_shop_id in rows:
        if (platform, platform_shop_id) not in seen:
            seen.add((platform, platform_shop_id))
            continue
        bind.execute(
            sa.text(
                "UPDATE shops SET status = 'disconnected', last_error = :note WHERE id = :id"
            ),
            {"note": NOTE, "id": shop_id},
        )


def upgrade():
    _resolve_duplicates()
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.create_index(
            'uq_shops_held_platform_shop',
            ['platform', 'platform_shop_id'],
            unique=True,
            sqlite_where=HELD,
            postgresql_where=HELD,
        )


def downgrade():
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_index('uq_shops_held_platform_shop')
