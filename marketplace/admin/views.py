"""Admin pages: cooperatives, users, and which cooperative holds each shop."""

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
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.admin import services
from marketplace.admin.forms import CooperativeForm
from marketplace.admin.forms import MoveShopForm
from marketplace.admin.forms import UserForm
from marketplace.auth.models import User
from marketplace.catalog.errors import CatalogError
from marketplace.catalog.guards import admin_required
from marketplace.catalog.models import Area
from marketplace.catalog.models import AreaKind
from marketplace.catalog.models import Cooperative
from marketplace.common.forms import choices
from marketplace.extensions import db
from marketplace.shops import services as shop_services
from marketplace.shops.errors import ShopHeldError
from marketplace.shops.errors import ShopMoveError
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _areas(kind: AreaKind | None = None) -> list[tuple[int, str]]:
    stmt = select(Area).order_by(Area.kind.desc(), Area.name)
    if kind is not None:
        stmt = stmt.where(Area.kind == kind)
    return [(a.id, a.name) for a in db.session.scalars(stmt)]


@bp.get("/cooperatives")
@admin_required
def cooperatives() -> str:
    """All cooperatives."""
    rows = db.session.scalars(
        select(Cooperative).options(selectinload(Cooperative.area)).order_by(Cooperative.name)
    ).all()
    return render_template("admin/cooperatives.html", cooperatives=rows)


@bp.route("/cooperatives/new", methods=["GET", "POST"])
@bp.route("/cooperatives/<int:cooperative_id>", methods=["GET", "POST"])
@admin_required
def cooperative(cooperative_id: int | None = None) -> Any:
    """Create or edit a cooperative."""
    item = db.get_or_404(Cooperative, cooperative_id) if cooperative_id else None
    form = CooperativeForm(obj=item)
    form.area_id.choices = choices(_areas(AreaKind.COMMUNE))
    if item is not None and request.method == "GET":
        form.subject_type.data = item.subject_type.value
    return _save_or_show(
        form, item, services.save_cooperative, "admin/cooperative.html", "admin.cooperatives"
    )


def _save_or_show(
    form: Any, item: Any, save: Callable[[Any, dict[str, Any]], Any], template: str, back: str
) -> Any:
    """Validate, save through the service and go back to the list, or show the errors."""
    if form.validate_on_submit():
        try:
            save(item, form.data)
        except CatalogError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
            return render_template(template, form=form, item=item), 422
        db.session.commit()
        flash(gettext("Saved."), "success")
        return redirect(url_for(back))
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, item=item), status


@bp.get("/users")
@admin_required
def users() -> str:
    """All users with their roles."""
    rows = db.session.scalars(
        select(User).options(selectinload(User.memberships)).order_by(User.email)
    ).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int | None = None) -> Any:
    """Create or edit a user and their memberships."""
    item = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=item)
    form.area_id.choices = choices([(0, "—"), *_areas()])
    form.cooperative_ids.choices = choices(
        (c.id, c.name) for c in db.session.scalars(select(Cooperative).order_by(Cooperative.name))
    )
    if item is not None and request.method == "GET":
        form.role.data = item.role.value
        form.area_id.data = item.area_id or 0
        form.cooperative_ids.data = [m.cooperative_id for m in item.memberships]
        if item.memberships:
            form.membership_role.data = item.memberships[0].role.value
    return _save_or_show(form, item, services.save_user, "admin/user.html", "admin.users")


def _move_form(shop: Shop) -> MoveShopForm:
    form = MoveShopForm(prefix=f"shop-{shop.id}")
    form.cooperative_id.choices = choices(
        (c.id, c.name)
        for c in db.session.scalars(
            select(Cooperative)
            .where(Cooperative.id != shop.cooperative_id)
            .order_by(Cooperative.name)
        )
    )
    return form


@bp.get("/shops")
@admin_required
def shops() -> str:
    """Every connected platform shop with the cooperative that holds it."""
    rows = db.session.scalars(
        select(Shop)
        .options(selectinload(Shop.cooperative))
        .where(Shop.status != ShopStatus.DISCONNECTED)
        .order_by(Shop.platform, Shop.name)
    ).all()
    return render_template("admin/shops.html", shops=[(s, _move_form(s)) for s in rows])


@bp.post("/shops/<int:shop_id>/move")
@admin_required
def move_shop(shop_id: int) -> Any:
    """Ask to confirm the move; on the confirmed post, move the shop."""
    shop = db.get_or_404(Shop, shop_id)
    form = _move_form(shop)
    if not form.validate_on_submit():
        flash(gettext("Choose the cooperative to move the shop to."), "error")
        return redirect(url_for("admin.shops"))
    target = db.session.get(Cooperative, form.cooperative_id.data)
    if not form.confirmed.data or target is None:
        return render_template("admin/shop_move.html", shop=shop, target=target, form=form)
    try:
        shop_services.move_shop(shop, target)
    except (ShopMoveError, ShopHeldError) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.shops"))
    db.session.commit()
    flash(
        gettext(
            "Shop %(shop)s now belongs to %(cooperative)s.", shop=shop.name, cooperative=target.name
        ),
        "success",
    )
    return redirect(url_for("admin.shops"))
