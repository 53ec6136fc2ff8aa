"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from marketplace.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class TestMigrations:
    def test_single_head(self, app: Flask) -> None:
        with app.app_context():
            config = app.extensions["migrate"].migrate.get_config(str(MIGRATIONS))
        heads = ScriptDirectory.from_config(config).get_heads()
        assert len(heads) == 1, f"several migration heads: {heads}"

    def test_models_match_migrations(self, app: Flask, db_session: Any) -> None:
        with app.app_context():
            context = MigrationContext.configure(
                db_session.connection(), opts={"compare_type": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"

    def test_every_migration_has_a_real_title(self) -> None:
        for path in (MIGRATIONS / "versions").glob("*.py"):
            first_line = path.read_text(encoding="utf-8").splitlines()[0]
            title = first_line.strip('"')
            assert title.lower() not in {"empty message", ""}, path.name
