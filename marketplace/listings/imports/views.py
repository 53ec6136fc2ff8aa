"""A shop's listings not linked to the catalogue: read them from the shop, link, ignore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.catalog.guards import shop_manager_required
from marketplace.catalog.models import Product
from marketplace.common.forms import BaseForm
from marketplace.common.forms import whole_arg
from marketplace.extensions import db
from marketplace.listings.imports import services as importing
from marketplace.listings.imports import tasks as import_tasks
from marketplace.listings.imports.forms import IgnoreForm
from marketplace.listings.imports.forms import LinkForm
from marketplace.shops.views import shop_or_404

bp = Blueprint("imports", __name__, url_prefix="/shops")


@bp.get("/<int:shop_id>/import")
@shop_manager_required
def show(shop_id: int) -> str:
    """The listings waiting to be linked (or the ignored ones), with what they nearly match."""
    shop = shop_or_404(shop_id)
    ignored = request.args.get("ignored") == "1"
    return render_template(
        "listings/import.html",
        shop=shop,
        ignored=ignored,
        items=importing.items(shop, ignored),
        counts=importing.counts(shop),
        products=importing.linkable_products(shop),
    )


@bp.post("/<int:shop_id>/import")
@shop_manager_required
def start(shop_id: int) -> Any:
    """Start (or join) the job that reads the shop's listings."""
    shop = shop_or_404(shop_id)
    record = import_tasks.import_shop.enqueue(
        shop_id=shop.id, for_cooperative=shop.cooperative_id, by_user=current_user.id
    )
    db.session.commit()
    return render_template("listings/import_started.html", shop=shop, record=record)


@bp.get("/<int:shop_id>/import/<int:item_id>")
@shop_manager_required
def preview(shop_id: int, item_id: int) -> Any:
    """What linking the listing to the chosen product would do, variant by variant."""
    shop = shop_or_404(shop_id)
    try:
        row = importing.item(shop, item_id)
    except importing.LinkError as exc:
        flash(exc.message, "error")
        return redirect(url_for("imports.show", shop_id=shop.id))
    product_id = whole_arg(request.args, "product_id") or row.candidate_id
    product: Product | None = None
    problem = None
    if product_id:
        try:
            product = importing.product_to_link(shop, product_id)
        except importing.LinkError as exc:
            problem = exc.message
    rows, free = importing.preview(row, product) if product else ([], [])
    return render_template(
        "listings/import_link.html",
        shop=shop,
        row=row,
        product=product,
        problem=problem,
        rows=rows,
        free=free,
        products=importing.linkable_products(shop),
    )


@bp.post("/<int:shop_id>/import/<int:item_id>/link")
@shop_manager_required
def link(shop_id: int, item_id: int) -> Response:
    """Link the listing to the chosen product."""
    shop = shop_or_404(shop_id)
    form = LinkForm()
    if not form.validate_on_submit():
        return _refused(shop.id, form)
    return _save_and_return(
        shop.id,
        lambda: importing.link(shop, item_id, form.product_id.data),
        gettext("Linked. The next sync updates this listing instead of creating another."),
    )


@bp.post("/<int:shop_id>/import/<int:item_id>/ignore")
@shop_manager_required
def ignore(shop_id: int, item_id: int) -> Response:
    """Ignore the listing (``ignored=0`` shows it again)."""
    shop = shop_or_404(shop_id)
    form = IgnoreForm()
    if not form.validate_on_submit():
        return _refused(shop.id, form)
    ignored = form.hide()
    return _save_and_return(
        shop.id,
        lambda: importing.set_ignored(shop, item_id, ignored),
        gettext("Ignored. It stays on the shop, outside the catalogue.")
        if ignored
        else gettext("It is back in the list to link."),
    )


def _refused(shop_id: int, form: BaseForm) -> Response:
    """The forms' fields are hidden: their messages are shown at the top of the list."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")
    return redirect(url_for("imports.show", shop_id=shop_id))


def _save_and_return(shop_id: int, save: Callable[[], object], done: str) -> Response:
    """Run a change; commit and say so, or roll back and say why; back to the list."""
    try:
        save()
    except importing.LinkError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("imports.show", shop_id=shop_id))
