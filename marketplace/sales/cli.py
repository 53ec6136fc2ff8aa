"""``flask sales``: the ledger's upkeep commands."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup
from sqlalchemy import func
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.sales import ledger
from marketplace.sales.models import SalesEntry

sales = AppGroup("sales", help="The sales ledger and its daily rollups.")


@sales.command("rebuild")
@click.option(
    "--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: the first)."
)
@click.option(
    "--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: the last)."
)
def rebuild_command(start: datetime | None, end: datetime | None) -> None:
    """Book every order not yet in the ledger, then make the daily rollups of the days
    from --from to --to again from the ledger's entries."""
    if start is not None and end is not None and start > end:
        raise click.BadParameter("--from is after --to.")
    written = ledger.book_all()
    first, last = db.session.execute(
        select(func.min(SalesEntry.day), func.max(SalesEntry.day))
    ).one()
    low = start.date() if start is not None else first
    high = end.date() if end is not None else last
    if low is None or high is None:
        click.echo(f"{written} entries booked; the ledger is empty.")
        return
    if low > high:
        raise click.BadParameter("--from is after --to.")
    rows = ledger.rebuild(low, high)
    db.session.commit()
    click.echo(f"{written} entries booked; {rows} daily rows from {low} to {high} rebuilt.")
