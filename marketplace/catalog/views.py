"""Product list, create/edit with variants, detail with history, archive, export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from marketplace import jobs
from marketplace.catalog import labels
from marketplace.catalog import readiness
from marketplace.catalog import services
from marketplace.catalog import tasks
from marketplace.catalog.errors import CatalogError
from marketplace.catalog.errors import ConflictError
from marketplace.catalog.forms import MAX_VARIANTS
from marketplace.catalog.forms import ProductForm
from marketplace.catalog.guards import allowed_cooperatives
from marketplace.catalog.guards import can_manage_shops
from marketplace.catalog.guards import catalogue_editor_required
from marketplace.catalog.guards import current_cooperative
from marketplace.catalog.models import Area
from marketplace.catalog.models import AreaKind
from marketplace.catalog.models import Category
from marketplace.catalog.models import Product
from marketplace.common.forms import choices
from marketplace.common.forms import whole_arg
from marketplace.extensions import db

bp = Blueprint("catalog", __name__, url_prefix="/products")


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"labels": labels, "can_manage_shops": can_manage_shops}


def _product_or_404(product_id: int) -> Product:
    product = services.get_product(current_cooperative(), product_id)
    if product is None:
        abort(404)
    return product


def _categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def _fill_choices(form: ProductForm) -> None:
    locale = str(get_locale())
    form.category_id.choices = choices(
        [(0, gettext("— Choose —"))] + [(c.id, c.name_for(locale)) for c in _categories()]
    )
    communes = db.session.scalars(
        select(Area).where(Area.kind == AreaKind.COMMUNE).order_by(Area.name)
    )
    form.origin_area_id.choices = choices(
        [(0, gettext("— Choose —"))] + [(a.id, a.name) for a in communes]
    )


def _product_input(form: ProductForm) -> services.ProductInput:
    fields = {name: getattr(form, name).data for name in services.PRODUCT_FIELDS}
    variants = [entry.form.data for entry in form.variants.entries if not entry.form.remove.data]
    return services.ProductInput(fields=fields, variants=variants)


def _attach_error(form: ProductForm, error: CatalogError) -> None:
    if error.index is not None:
        kept = [e for e in form.variants.entries if not e.form.remove.data]
        target = getattr(kept[error.index].form, error.field)
    else:
        target = getattr(form, error.field)
    target.errors = [*target.errors, error.message]


def _bounded_arg(name: str) -> int | None:
    """A whole-number query argument within the database's integer range, else None."""
    return whole_arg(request.args, name)


@bp.get("/")
@catalogue_editor_required
def products() -> str:
    """The cooperative's products with search, filters and pages."""
    flt = services.ProductFilter(
        query=request.args.get("q", "")[:100],
        status=request.args.get("status", ""),
        category_id=_bounded_arg("category"),
        stars=_bounded_arg("stars"),
        page=max(1, _bounded_arg("page") or 1),
    )
    page = services.search_products(
        current_cooperative(), flt, current_app.config["PRODUCTS_PER_PAGE"]
    )
    return render_template(
        "catalog/list.html",
        page=page,
        flt=flt,
        categories=_categories(),
        cooperatives=allowed_cooperatives(),
        cooperative=current_cooperative(),
    )


def _render_form(
    form: ProductForm, product: Product | None, status: int = 200, **extra: Any
) -> tuple[str, int]:
    return (
        render_template("catalog/form.html", form=form, product=product, **extra),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@catalogue_editor_required
def create() -> Any:
    """A new product with its variants."""
    form = ProductForm()
    _fill_choices(form)
    if form.add_variant.data:
        _add_variant_row(form)
        return _render_form(form, None)
    if form.validate_on_submit():
        return _save(
            form,
            None,
            lambda: services.create_product(
                current_cooperative(), _product_input(form), current_user
            ),
        )
    return _render_form(form, None, 422 if form.is_submitted() else 200)


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@catalogue_editor_required
def edit(product_id: int) -> Any:
    """Edit a product; a save based on an outdated version is refused."""
    product = _product_or_404(product_id)
    form = ProductForm(obj=product if request.method == "GET" else None)
    _fill_choices(form)
    if request.method == "GET":
        form.version.data = str(product.version)
        form.ocop_stars.data = product.ocop_stars or 0
        form.category_id.data = product.category_id or 0
        form.origin_area_id.data = product.origin_area_id or 0
        form.status.data = "active" if product.status.value == "active" else "draft"
    if form.add_variant.data:
        _add_variant_row(form)
        return _render_form(form, product)
    if form.validate_on_submit():
        return _save(
            form,
            product,
            lambda: services.update_product(
                product, _product_input(form), _version(form), current_user
            ),
        )
    return _render_form(form, product, 422 if form.is_submitted() else 200)


def _save(form: ProductForm, product: Product | None, save: Callable[[], Product]) -> Any:
    """Run the service; commit and show the product, or show why nothing was saved."""
    try:
        saved = save()
    except ConflictError as conflict:
        db.session.rollback()
        return _render_form(form, product, 409, conflict=conflict)
    except CatalogError as error:
        db.session.rollback()
        _attach_error(form, error)
        return _render_form(form, product, 422)
    db.session.commit()
    flash(gettext("Product saved."), "success")
    return redirect(url_for("catalog.detail", product_id=saved.id))


def _version(form: ProductForm) -> int:
    try:
        version = int(form.version.data or -1)
    except ValueError:
        return -1
    return version if 0 <= version < 2**31 else -1


def _add_variant_row(form: ProductForm) -> None:
    if len(form.variants) >= MAX_VARIANTS:
        form.variants.errors = [gettext("A product has at most %(n)d variants.", n=MAX_VARIANTS)]
        return
    form.variants.append_entry()


@bp.get("/<int:product_id>")
@catalogue_editor_required
def detail(product_id: int) -> str:
    """A product with its variants and history."""
    product = _product_or_404(product_id)
    return render_template(
        "catalog/detail.html",
        product=product,
        history=services.history(product),
        readiness=readiness.readiness(product),
    )


@bp.post("/<int:product_id>/archive")
@catalogue_editor_required
def archive(product_id: int) -> Response:
    """Archive the product."""
    return _set_archived(product_id, True, gettext("Product archived."))


@bp.post("/<int:product_id>/restore")
@catalogue_editor_required
def restore(product_id: int) -> Response:
    """Bring an archived product back as a draft."""
    return _set_archived(product_id, False, gettext("Product restored as a draft."))


def _set_archived(product_id: int, archived: bool, message: str) -> Response:
    services.set_archived(_product_or_404(product_id), archived, current_user)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("catalog.detail", product_id=product_id))


@bp.post("/export")
@catalogue_editor_required
def export() -> Any:
    """Start the XLSX export job; the page follows its progress."""
    cooperative = current_cooperative()
    record = tasks.export_catalog.enqueue(
        cooperative_id=cooperative.id, for_cooperative=cooperative.id, by_user=current_user.id
    )
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(jobs.job_state(record)), 202
    return render_template("catalog/export.html", record=record)


@bp.post("/cooperative")
@login_required
def switch_cooperative() -> Response:
    """Work on another of the user's cooperatives."""
    wanted = whole_arg(request.form, "cooperative_id")
    if wanted not in {c.id for c in allowed_cooperatives()}:
        flash(gettext("You are not a member of that cooperative."), "error")
    else:
        session["cooperative_id"] = wanted
    return redirect(url_for("catalog.products"))
