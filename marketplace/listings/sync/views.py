"""A shop's sync pages: settings, category mapping, plan preview, apply with progress; the sync
log people act on (a listing's timeline, the drift report, "retry selected")."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from marketplace.catalog.guards import shop_manager_required
from marketplace.catalog.models import Category
from marketplace.catalog.models import Product
from marketplace.connectors.errors import ConnectorError
from marketplace.extensions import db
from marketplace.listings.models import CategoryMapping
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.sync import backoff
from marketplace.listings.sync import drift
from marketplace.listings.sync import fixes
from marketplace.listings.sync import log as synclog
from marketplace.listings.sync import mapping as mapping_service
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync import tasks
from marketplace.listings.sync.errors import SyncInputError
from marketplace.listings.sync.forms import CategoryMappingForm
from marketplace.listings.sync.forms import SyncSettingsForm
from marketplace.listings.sync.models import SyncEvent
from marketplace.shops.models import Shop
from marketplace.shops.views import shop_or_404

bp = Blueprint("sync", __name__, url_prefix="/shops")


@bp.get("/<int:shop_id>/sync")
@shop_manager_required
def show(shop_id: int) -> str:
    """Settings, mappings, what a sync would do now, and the recent log."""
    return _page(shop_or_404(shop_id))[0]


def _page(
    shop: Shop,
    settings_form: SyncSettingsForm | None = None,
    failed: CategoryMappingForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The sync page; a form that was refused is shown with what was typed and why."""
    mappings = mapping_service.mappings(shop)
    try:
        leaves = mapping_service.leaf_categories(shop)
        specs = {
            category_id: mapping_service.attributes(shop, m.platform_category_id)
            for category_id, m in mappings.items()
        }
    except ConnectorError as exc:
        leaves, specs = [], {}
        flash(gettext("The shop did not answer: %(error)s", error=exc.message), "error")
    events = db.session.scalars(
        select(SyncEvent)
        .where(SyncEvent.shop_id == shop.id)
        .order_by(SyncEvent.id.desc())
        .limit(50)
    ).all()
    products = db.session.scalars(
        select(Product).where(Product.cooperative_id == shop.cooperative_id)
    ).all()
    used = {p.category_id for p in products}
    categories = [
        c for c in db.session.scalars(select(Category).order_by(Category.position)) if c.id in used
    ]
    forms = _mapping_forms(categories, mappings, failed)
    page = render_template(
        "listings/sync.html",
        shop=shop,
        plan=planning.make_plan(shop),
        leaves=leaves,
        categories=categories,
        mappings=mappings,
        forms=forms,
        settings_form=settings_form or SyncSettingsForm(formdata=None, obj=shop),
        specs=specs,
        names={p.id: p.name for p in products},
        events=events,
        locale=str(get_locale()),
    )
    return page, status


def _mapping_forms(
    categories: list[Category],
    mappings: dict[int, CategoryMapping],
    failed: CategoryMappingForm | None,
) -> dict[int, CategoryMappingForm]:
    """One form per category shown, from what is saved; the refused one as it was sent."""
    forms = {}
    for category in categories:
        saved = mappings.get(category.id)
        form = CategoryMappingForm(
            formdata=None,
            category_id=category.id,
            platform_category_id=saved.platform_category_id if saved else "",
        )
        form.attributes = json.loads(saved.attributes or "{}") if saved else {}
        forms[category.id] = form
    if failed is not None:
        if failed.category_id.data in forms:
            forms[failed.category_id.data] = failed
        else:  # not a category on this page: its messages have nowhere else to go
            for message in failed.messages():
                flash(message, "error")
    return forms


@bp.post("/<int:shop_id>/sync/settings")
@shop_manager_required
def settings(shop_id: int) -> Any:
    """Price rule, stock buffer and zero-stock rule."""
    shop = shop_or_404(shop_id)
    form = SyncSettingsForm()
    if not form.validate_on_submit():
        return _page(shop, settings_form=form, status=422)
    mapping_service.save_settings(shop, **form.settings())
    db.session.commit()
    flash(gettext("Saved."), "success")
    return redirect(url_for("sync.show", shop_id=shop.id))


@bp.post("/<int:shop_id>/sync/mapping")
@shop_manager_required
def save_mapping(shop_id: int) -> Any:
    """Map one of our categories to a leaf category of the platform."""
    shop = shop_or_404(shop_id)
    form = CategoryMappingForm()
    if not form.validate_on_submit():
        return _page(shop, failed=form, status=422)
    try:
        mapping_service.save_mapping(
            shop, form.category_id.data or 0, form.platform_category_id.data or "", form.values()
        )
    except SyncInputError as exc:
        db.session.rollback()
        form.add_error(exc.message, exc.fields)
        return _page(shop, failed=form, status=422)
    except ConnectorError as exc:
        db.session.rollback()
        flash(gettext("The shop did not answer: %(error)s", error=exc.message), "error")
        return redirect(url_for("sync.show", shop_id=shop.id))
    db.session.commit()
    flash(gettext("Saved."), "success")
    return redirect(url_for("sync.show", shop_id=shop.id))


@bp.post("/<int:shop_id>/sync")
@shop_manager_required
def apply(shop_id: int) -> Any:
    """Start (or join) the shop's sync job."""
    shop = shop_or_404(shop_id)
    record = tasks.enqueue_sync(shop, current_user.id)
    db.session.commit()
    return render_template("listings/sync_started.html", shop=shop, record=record)


def _listing_or_404(shop: Shop, listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.shop_id != shop.id:
        abort(404)
    return listing


@bp.get("/<int:shop_id>/listings/<int:listing_id>")
@shop_manager_required
def timeline(shop_id: int, listing_id: int) -> str:
    """One listing: its state, its drift, and every write with what went and what came back."""
    shop = shop_or_404(shop_id)
    listing = _listing_or_404(shop, listing_id)
    return render_template(
        "listings/timeline.html",
        shop=shop,
        listing=listing,
        events=synclog.timeline(listing),
        drifts=drift.of_listing(listing),
    )


@bp.get("/<int:shop_id>/drift")
@shop_manager_required
def drift_report(shop_id: int) -> str:
    """Variants whose price or stock on the platform is not what we wrote."""
    shop = shop_or_404(shop_id)
    still, resolved = drift.report(shop)
    return render_template("listings/drift.html", shop=shop, still=still, resolved=resolved)


@bp.post("/<int:shop_id>/retry")
@shop_manager_required
def retry(shop_id: int) -> Any:
    """Forget the chosen listings' backoff and start the shop's sync."""
    shop = shop_or_404(shop_id)
    try:
        chosen = backoff.retry(shop, request.form.getlist("listing_id"))
    except SyncInputError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _redirect_back(shop)
    record = tasks.enqueue_sync(shop, current_user.id)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d listing will be sent again.",
            "%(num)d listings will be sent again.",
            len(chosen),
        ),
        "success",
    )
    return render_template("listings/sync_started.html", shop=shop, record=record)


@bp.app_template_global("sync_fix")
def sync_fix(event: Any) -> fixes.Fix | None:
    """Where to fix a refused write (templates)."""
    return fixes.for_event(event)


@bp.app_template_global("sync_waiting")
def sync_waiting(listing: Listing | None) -> backoff.Waiting | None:
    """The listing's backoff, or None; a failed create counts as waiting (templates)."""
    if listing is None:
        return None
    wait = backoff.waiting(listing)
    if wait is None and listing.status == ListingStatus.FAILED:
        return backoff.Waiting(backoff.Reason.REFUSED)
    return wait


@bp.app_template_global("sync_summary")
def sync_summary(text: str | None) -> dict[str, Any]:
    """A stored sent/received summary as a dict (templates)."""
    return synclog.load(text)


@bp.app_template_global("sync_action")
def sync_action(action: str) -> str:
    return fixes.action_label(action)


@bp.app_template_global("listing_status")
def listing_status(listing: Listing) -> str:
    return fixes.status_label(listing.status.value)


@bp.app_template_filter("content_label")
def content_label(name: str) -> str:
    return fixes.content_label(name)


def _redirect_back(shop: Shop) -> Response:
    return redirect(url_for("sync.show", shop_id=shop.id, _anchor="log"))
