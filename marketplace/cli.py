"""Flask CLI commands: demo data, reference data, first admin."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask.cli import with_appcontext
from sqlalchemy import func
from sqlalchemy import select

from marketplace.auth.models import Role
from marketplace.auth.models import User
from marketplace.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load demo cooperatives, products and accounts into an empty database."""
    from flask import current_app

    from marketplace.demo import seed_demo
    from marketplace.demo_photos import add_demo_photos
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
    db.session.commit()
    if result.get("skipped"):
        click.echo("The database already has cooperatives; demo data not loaded.")
        return
    click.echo(
        f"Demo data: {result['cooperatives']} cooperatives, {result['products']} products, "
        f"{result['variants']} variants, {result['users']} users."
    )


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


def init_app(app: Flask) -> None:
    """Register the commands."""
    from marketplace.connectors.cli import connectors

    commands = (seed_demo_command, seed_reference_command, create_admin_command, media, keys)
    for command in (*commands, connectors):
        app.cli.add_command(command)
