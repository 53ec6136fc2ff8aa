"""Flask CLI commands: demo data, reference data, first admin, backups."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask.cli import with_appcontext
from sqlalchemy import func
from sqlalchemy import select

from marketplace.auth.models import Role
from marketplace.auth.models import User
from marketplace.catalog.models import Cooperative
from marketplace.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load demo cooperatives, products and accounts into an empty database."""
    from flask import current_app

    from marketplace.demo import seed_demo
    from marketplace.demo_photos import add_demo_photos
    from marketplace.sandbox.mount import open_demo_shops
    from marketplace.sandbox.mount import register_demo_apps

    result = seed_demo()
    if not result.get("skipped"):
        click.echo(
            f"Demo photos: {add_demo_photos()} (their renditions are queued for the worker)."
        )
    if current_app.config.get("SANDBOX_ENABLED"):
        registered = register_demo_apps(current_app.config["SERVER_BASE_URL"])
        if registered:
            click.echo(f"Sandbox apps registered: {', '.join(registered)}.")
        names = list(db.session.scalars(select(Cooperative.name).order_by(Cooperative.id)))
        for platform, shops in open_demo_shops(names).items():
            click.echo(f"Sandbox {platform}: a shop for each cooperative ({len(shops)}).")
        _connect_demo_shops_and_history()
    db.session.commit()
    if result.get("skipped"):
        click.echo("The database already has cooperatives; demo data not loaded.")
        return
    click.echo(
        f"Demo data: {result['cooperatives']} cooperatives, {result['products']} products, "
        f"{result['variants']} variants, {result['users']} users."
    )


def _connect_demo_shops_and_history() -> None:
    """Connect each cooperative to its sandbox shops, then give them two years of sales."""
    import time

    from marketplace.demo_history import connect_demo_shops
    from marketplace.demo_history import seed_demo_history

    for platform, count in connect_demo_shops().items():
        click.echo(f"Sandbox {platform}: {count} shops connected to their cooperatives.")
    started = time.monotonic()
    orders = seed_demo_history()
    took = time.monotonic() - started
    if orders:
        click.echo(f"Sales history: {orders} orders over two years, booked ({took:.1f} s).")
    else:
        click.echo("Sales history: already there, nothing added.")


@click.command("seed-reference")
@with_appcontext
def seed_reference_command() -> None:
    """Load the areas and categories every installation needs (idempotent)."""
    from marketplace.catalog.reference import seed_areas
    from marketplace.catalog.reference import seed_categories

    seed_areas()
    seed_categories()
    db.session.commit()
    click.echo("Reference data is up to date.")


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--name", default="Admin")
@click.password_option()
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    exists = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if exists is not None:
        raise click.ClickException(f"{email} already exists.")
    user = User(email=email.lower(), name=name, role=Role.ADMIN, locale="vi")
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Administrator {email} created.")


media = AppGroup("media", help="Product photos.")


@media.command("rebuild")
@click.option("--now", is_flag=True, help="Render here instead of queueing jobs.")
def rebuild_media_command(now: bool) -> None:
    """Remake every photo's renditions from its original (after a platform's rules change)."""
    from marketplace.catalog import photos
    from marketplace.catalog import tasks
    from marketplace.catalog.models import Photo

    count = 0
    for photo in db.session.scalars(select(Photo).order_by(Photo.id)):
        if now:
            photos.render(photo)
            db.session.commit()
        else:
            tasks.render_photo.enqueue(
                photo_id=photo.id, for_cooperative=photo.product.cooperative_id
            )
        count += 1
    db.session.commit()
    click.echo(f"{count} photos {'rendered' if now else 'queued on the media queue'}.")


keys = AppGroup("keys", help="Encryption keys for secrets at rest.")


@keys.command("generate")
def generate_key_command() -> None:
    """Print a new Fernet key to put first in ENCRYPTION_KEYS."""
    from marketplace.common.crypto import new_key

    click.echo(new_key())


@keys.command("rotate")
def rotate_keys_command() -> None:
    """Re-encrypt every stored secret with the first key of ENCRYPTION_KEYS."""
    from marketplace.shops.services import reencrypt_secrets

    count = reencrypt_secrets()
    db.session.commit()
    click.echo(f"{count} records re-encrypted with the newest key.")


@click.command("backup")
@with_appcontext
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive to write (default: instance/backups/marketplace-<UTC time>.tar.gz).",
)
@click.option(
    "--with-keys",
    is_flag=True,
    help="Also store SECRET_KEY and ENCRYPTION_KEYS (keep such an archive encrypted).",
)
def backup_command(output: Path | None, with_keys: bool) -> None:
    """Write the database, media and exports into one archive, while the app runs."""
    from marketplace.backup.archive import BackupError
    from marketplace.backup.service import create_backup

    try:
        result = create_backup(output, with_keys)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest, counts = result.manifest, result.counts
    click.echo(
        f"Backup written to {result.path} ({result.path.stat().st_size:,} bytes, mode 600): "
        f"{manifest.database} database at revision {manifest.alembic_revision} "
        f"({counts['database_bytes']:,} bytes), {counts['media']} media files, "
        f"{counts['exports']} exports."
    )
    if with_keys:
        click.echo(
            "It holds SECRET_KEY and ENCRYPTION_KEYS: anyone with this file can read the "
            "shops' tokens. Encrypt it before it leaves this machine."
        )
    else:
        click.echo(
            "Warning: the encryption keys are NOT in this backup. The shops' tokens and app "
            "secrets in it are encrypted with ENCRYPTION_KEYS; keep those keys elsewhere "
            "(or use --with-keys), or every shop must be connected again after a restore.",
            err=True,
        )


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database or media folder with data.")
def restore_command(archive: Path, force: bool) -> None:
    """Put a `flask backup` archive into this instance's empty database and media folder."""
    from marketplace.backup.archive import BackupError
    from marketplace.backup.service import restore_backup

    try:
        result = restore_backup(archive, force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest, counts = result.manifest, result.counts
    click.echo(
        f"Restored the backup of {manifest.created_at} (version {manifest.app_version}): "
        f"{manifest.database} database ({counts['database_bytes']:,} bytes), "
        f"{counts['media']} media files, {counts['exports']} exports"
        + (", the secret key and encryption keys." if manifest.with_keys else ".")
    )
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if result.undecryptable:
        click.echo(
            f"Warning: {result.undecryptable} stored tokens or secrets cannot be decrypted "
            "with this instance's ENCRYPTION_KEYS. Configure the keys the backup was taken "
            "with (or restore a backup made with --with-keys); otherwise connect the shops "
            "and re-enter the platform app secrets again.",
            err=True,
        )
    if result.upgrade_needed:
        click.echo(
            f"The database is at revision {manifest.alembic_revision}, this release at "
            f"{result.head}: run `flask --app wsgi db upgrade` before starting the app."
        )
    else:
        click.echo(f"The schema is at this release's revision ({result.head}).")


def init_app(app: Flask) -> None:
    """Register the commands."""
    from marketplace.connectors.cli import connectors
    from marketplace.sales.cli import sales

    commands = (
        seed_demo_command,
        seed_reference_command,
        create_admin_command,
        media,
        keys,
        backup_command,
        restore_command,
    )
    for command in (*commands, connectors, sales):
        app.cli.add_command(command)
