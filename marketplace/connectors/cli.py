"""``flask connectors``: help sellers' developers debug "wrong sign" errors, list connectors."""

from __future__ import annotations

import importlib

import click
from flask.cli import AppGroup

from marketplace.connectors import registry

connectors = AppGroup("connectors", help="Marketplace connectors.")


@connectors.command("list")
def list_command() -> None:
    """Every connector, with its capabilities, and any that are disabled."""
    for name, cls in sorted(registry.available().items()):
        click.echo(f"{name:10} {cls.title:14} {', '.join(sorted(cls.capabilities))}")
    for name, reason in sorted(registry.disabled().items()):
        click.echo(f"{name:10} disabled: {reason}")


@connectors.command("sign")
@click.argument("platform")
@click.option("--secret", required=True, help="The app secret (partner key).")
@click.option("--path", required=True, help="The API path, e.g. /api/v2/product/get_item_list")
@click.option("--body", default="", help="The raw request body, where the platform signs it.")
@click.argument("params", nargs=-1)
def sign_command(platform: str, secret: str, path: str, body: str, params: tuple[str, ...]) -> None:
    """Print the exact string that is signed and the signature, e.g.

    flask connectors sign shopee --secret KEY --path /api/v2/shop/get_shop_info
    partner_id=2001887 timestamp=1700000000 access_token=abc shop_id=14701711
    """
    if platform not in registry.available():
        raise click.BadParameter(f"no connector {platform!r}", param_hint="PLATFORM")
    values: dict[str, str] = {}
    for pair in params:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="PARAMS")
        values[key] = value
    module = importlib.import_module(f"marketplace.connectors.{platform}")
    signed, signature = module.sign(secret, path, values, body)
    click.echo(f"string to sign: {signed}")
    click.echo(f"signature:      {signature}")
