"""OCOP marketplace connector and catalogue manager."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import JSON
from sqlalchemy import Column
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Map

from marketplace import jobs
from marketplace.config import Config
from marketplace.config import instance_path as default_instance_path
from marketplace.config import read_or_create


def create_app(config: type[Config] | None = None, instance_path: str | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI, error handlers.

    ``instance_path`` defaults to ``MARKETPLACE_INSTANCE``, else ``instance/``.
    """
    app = Flask(
        __name__,
        instance_path=instance_path or str(default_instance_path()),
        template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
    )
    app.config.from_object(config or Config)
    _configure_instance(app)
    _configure_redis(app)
    _configure_logging(app)

    _init_extensions(app)
    # Before the blueprints: their <int:…> rules are compiled with the converter in place.
    app.url_map.converters["int"] = DatabaseIntConverter
    _register_blueprints(app)
    _register_cli(app)
    jobs.init_app(app)  # after the blueprints: their modules declare most jobs

    from marketplace.main import errors
    from marketplace.sandbox import mount

    errors.init_app(app)
    mount.mount(app)  # it wraps the finished WSGI app
    _trust_proxies(app)  # outermost: every part sees the client's real address
    return app


def _trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from the ``PROXY_HOPS`` proxies in front, only."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>`` limited to what an INTEGER column holds, so a huge id is a 404, not a 500."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _configure_logging(app: Flask) -> None:
    if not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _configure_instance(app: Flask) -> None:
    """Fill in what the config left unset from the instance folder (flaskr's factory).

    Here and not at import: importing the config never writes a file.
    """
    from sqlalchemy.engine import make_url

    from marketplace.common.crypto import new_key
    from marketplace.common.files import private_dir
    from marketplace.common.files import private_file

    folder = Path(app.instance_path)
    private_dir(folder)
    defaults = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'marketplace.db'}",
        "REDIS_EMBEDDED_DB": str(folder / "redis.db"),
        "EXPORT_DIR": str(folder / "exports"),
        "MEDIA_ROOT": str(folder / "media"),
        "SANDBOX_STATE_DIR": str(folder / "sandbox"),
    }
    for name, path in defaults.items():
        if not app.config.get(name):
            app.config[name] = path
    for name in ("EXPORT_DIR", "MEDIA_ROOT"):
        private_dir(Path(app.config[name]))
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if database.get_backend_name() == "sqlite" and database.database not in (None, "", ":memory:"):
        private_file(Path(database.database))
    # An env var wins (it is in the config already); otherwise web, worker and cron
    # starting together agree on the one value written into the instance folder.
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_or_create(
            folder / "secret_key", lambda: os.urandom(32).hex()
        )
    if not app.config.get("ENCRYPTION_KEYS"):
        app.config["ENCRYPTION_KEYS"] = read_or_create(folder / "encryption_keys", new_key)


def _configure_redis(app: Flask) -> None:
    # Flask-RQ builds its connections in init_app, so the URL must be final before that.
    url = app.config.get("REDIS_URL")
    if not url:
        from marketplace.embedded import embedded_redis_url

        url = embedded_redis_url(app.config["REDIS_EMBEDDED_DB"])
        app.config["REDIS_URL"] = url
    app.config["RQ_CONNECTION"] = url


def _compare_server_default(
    context: object,
    inspected_column: object,
    metadata_column: Column[object],
    inspected_default: str | None,
    metadata_default: object,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Alembic's default comparison, except for JSON columns: on PostgreSQL it asks the
    server ``'{}'::json = '{}'``, which fails (json has no equality operator)."""
    if not isinstance(metadata_column.type, JSON):
        return None
    inspected = (inspected_default or "").split("::", 1)[0]
    return inspected != (rendered_metadata_default or "")


def _init_extensions(app: Flask) -> None:
    from marketplace import extensions
    from marketplace.auth import services as auth_services
    from marketplace.common import formatting
    from marketplace.common import hooks
    from marketplace.common import security
    from marketplace.common import sqlite
    from marketplace.main import i18n

    extensions.db.init_app(app)
    with app.app_context():
        sqlite.configure(extensions.db.engine)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        compare_type=True,
        compare_server_default=_compare_server_default,
        render_as_batch=True,
    )
    extensions.csrf.init_app(app)
    extensions.babel.init_app(app, locale_selector=i18n.select_locale)
    extensions.rq.init_app(app)
    auth_services.init_login(app)
    formatting.init_app(app)
    hooks.init_app(app)
    security.init_app(app)
    i18n.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from marketplace.admin.sandbox import bp as sandbox_admin_bp
    from marketplace.admin.views import bp as admin_bp
    from marketplace.auth.views import bp as auth_bp
    from marketplace.catalog.photo_views import bp as photos_bp
    from marketplace.catalog.views import bp as catalog_bp
    from marketplace.jobs.views import bp as jobs_bp
    from marketplace.listings.imports.views import bp as imports_bp
    from marketplace.listings.sync.views import bp as sync_bp
    from marketplace.listings.views import bp as listings_bp
    from marketplace.main.views import bp as main_bp
    from marketplace.reports.views import bp as reports_bp
    from marketplace.sales.history.views import bp as order_history_bp
    from marketplace.sales.page_views import bp as sales_bp
    from marketplace.sales.views import bp as webhooks_bp
    from marketplace.shops.views import bp as shops_bp

    for blueprint in (
        main_bp,
        auth_bp,
        catalog_bp,
        photos_bp,
        shops_bp,
        listings_bp,
        sync_bp,
        imports_bp,
        admin_bp,
        sandbox_admin_bp,
        sales_bp,
        webhooks_bp,
        order_history_bp,
        jobs_bp,
        reports_bp,
    ):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from marketplace import cli

    cli.init_app(app)
