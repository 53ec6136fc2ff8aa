"""``/sales``: a cooperative's own sales by product, channel and month, where the fees go,
and the order lines whose SKU matched none of its variants, with a way to link them.

Members of the cooperative (managers and staff) and admins see it; officials have their
own overview (403 here). Linking changes stock reservations and the figures, so it is the
managers' (docs/security.md).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from marketplace.catalog.guards import can_manage_shops
from marketplace.catalog.guards import catalogue_editor_required
from marketplace.catalog.guards import current_cooperative
from marketplace.catalog.guards import shop_manager_required
from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.sales import figures
from marketplace.sales import linking
from marketplace.sales import periods
from marketplace.sales.errors import LinkSkuError
from marketplace.sales.forms import LinkSkuForm
from marketplace.sales.forms import PeriodForm
from marketplace.sales.ledger import vietnam_day
from marketplace.sales.signals import stock_moved

bp = Blueprint("sales", __name__, url_prefix="/sales")

# The fee kinds the connectors name (connectors/*/convert.py); any other is shown as sent.
FEE_LABELS = {
    "commission": _l("Platform commission"),
    "service": _l("Service fee"),
    "transaction": _l("Payment fee"),
    "shipping": _l("Shipping"),
    "voucher": _l("Shop's vouchers"),
    "tax": _l("Tax"),
    "refund": _l("Refunds"),
    "other": _l("Other"),
}


# How an order reached the ledger (Order.source), and its state (OrderStatus).
SOURCE_LABELS = {
    "pull": _l("Read from the marketplace"),
    "push": _l("Sent by the marketplace"),
    "file": _l("From a sales file"),
    "manual": _l("Entered by hand"),
}
STATUS_LABELS = {
    "unpaid": _l("Unpaid"),
    "to_ship": _l("To ship"),
    "shipped": _l("Shipped"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "returned": _l("Returned"),
}


@bp.get("/")
@catalogue_editor_required
def index() -> Any:
    """The chosen period's figures (this month by default)."""
    form = PeriodForm(request.args)
    recent = periods.recent(vietnam_day(utcnow()))
    form.period.choices = [(p.value, p.label) for p in recent]
    status = 200
    if "period" in request.args and not form.validate():
        status = 400
    period = periods.parse(form.period.data or "") if status == 200 else None
    if period is None:
        period = recent[0]
        form.period.data = period.value
    return _page(form, period, status=status)


@bp.post("/link")
@shop_manager_required
def link() -> Any:
    """Link one seller SKU of the unmatched lines to one of the cooperative's variants."""
    form = LinkSkuForm()
    if not form.validate_on_submit():
        messages = [str(m) for errors in form.errors.values() for m in errors]
        return _refused(" ".join(messages), 400)
    sku, variant_id = form.seller_sku.data or "", form.variant_id.data or 0  # both validated
    try:
        linked = linking.link_sku(current_cooperative(), sku, variant_id)
    except LinkSkuError as exc:
        db.session.rollback()
        return _refused(exc.message, 404 if exc.not_found else 400)
    if linked.open_shop is not None:  # open orders now reserve it: push stock after commit
        stock_moved.send(linked.open_shop)
    db.session.commit()
    flash(
        gettext(
            "Linked: %(lines)d order lines with the SKU “%(sku)s” now count as %(product)s.",
            lines=linked.lines,
            sku=sku,
            product=linked.variant.product.name,
        ),
        "success",
    )
    return redirect(url_for("sales.index", _anchor="unmatched"))


def _refused(message: str, status: int) -> Any:
    recent = periods.recent(vietnam_day(utcnow()))
    form = PeriodForm(data={"period": recent[0].value})
    form.period.choices = [(p.value, p.label) for p in recent]
    return _page(form, recent[0], status=status, problem=message)


def _page(form: PeriodForm, period: periods.Period, *, status: int, problem: str = "") -> Any:
    cooperative = current_cooperative()
    may_link = can_manage_shops()
    return (
        render_template(
            "sales/index.html",
            cooperative=cooperative,
            form=form,
            report=figures.report(cooperative.id, period),
            unmatched=figures.unmatched(cooperative.id),
            orders=figures.recent_orders(cooperative.id),
            source_label=lambda source: str(SOURCE_LABELS.get(source, source)),
            status_label=lambda status: str(STATUS_LABELS.get(status, status)),
            variants=figures.variant_choices(cooperative.id) if may_link else [],
            may_link=may_link,
            fee_label=lambda kind: str(FEE_LABELS.get(kind, kind)),
            problem=problem,
        ),
        status,
    )
