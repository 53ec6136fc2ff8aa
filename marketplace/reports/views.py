"""/reports/: the officials' dashboard (read-only) and its exports."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from marketplace.common.formatting import day
from marketplace.common.formatting import money
from marketplace.reports import charts
from marketplace.reports import export
from marketplace.reports import services
from marketplace.reports import sheets
from marketplace.reports.forms import ReportForm

bp = Blueprint("reports", __name__, url_prefix="/reports")


def official_required(view: Any) -> Any:
    """Officials and admins; a cooperative's people have their own sales page."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not (current_user.is_official or current_user.is_admin):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/")
@official_required
def dashboard() -> Any:
    form = ReportForm.from_args(request.args)
    if not form.validate():
        return render_template("reports/dashboard.html", form=form, board=None), 400
    try:
        where = services.locate(current_user, form.area.data, form.cooperative.data)
    except services.OutOfScopeError:
        abort(404)
    board = services.build(where, form.period())
    tables = sheets.all_sheets(board)
    if form.format.data:
        return _download(form, board, tables[form.table.data])
    return render_template(
        "reports/dashboard.html",
        form=form,
        board=board,
        sheets=tables,
        charts=_charts(board, tables),
        about=_about(board),
        link=_link,
        areas=services.areas() if current_user.is_admin else [],
    )


def _link(**changes: Any) -> str:
    """This page with other query arguments: a drill-down keeps the period, an export
    keeps everything."""
    args = {k: v for k, v in request.args.items() if k not in ("format", "table")}
    if "area" in changes or "cooperative" in changes:
        args.pop("area", None)
        args.pop("cooperative", None)
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for("reports.dashboard", **args)  # type: ignore[arg-type]


def _about(board: services.Dashboard) -> list[str]:
    """The lines that head an export and the page: whose figures, which days, how fresh."""
    where = board.where.cooperative.name if board.where.cooperative else board.where.area.name
    period = _(
        "From %(start)s to %(end)s", start=day(board.period.start), end=day(board.period.end)
    )
    # "14:05 05/12/2026", the time first, as the issue writes it; in Vietnam's time zone.
    fresh = format_datetime(board.fresh_at, "HH:mm dd/MM/yyyy") if board.fresh_at else None
    if fresh is None:
        return [where, period, _("No figures yet: no order has been pulled.")]
    return [where, period, _("Figures up to %(moment)s", moment=fresh)]


def _download(form: ReportForm, board: services.Dashboard, sheet: sheets.Sheet) -> Response:
    about = _about(board)
    name = f"bao-cao-{sheet.name}-{board.period.start:%Y%m%d}-{board.period.end:%Y%m%d}"
    if form.format.data == "xlsx":
        body = export.to_xlsx(sheet, about)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = export.to_csv(sheet, about)
        mime = "text/csv; charset=utf-8"
    return Response(
        body,
        mimetype=mime,
        headers={"Content-Disposition": f'attachment; filename="{name}.{form.format.data}"'},
    )


def _charts(board: services.Dashboard, tables: dict[str, sheets.Sheet]) -> dict[str, Any]:
    def gross(name: str) -> list[tuple[str, int | None]]:
        sheet = tables.get(name)
        return [(row[0], row[3]) for row in sheet.rows] if sheet else []

    return {
        "trend": charts.columns(
            _("Gross revenue by month"), _("Gross revenue of the last 12 months"), gross("trend")
        ),
        "channel": charts.bars(
            _("Gross revenue by platform"), _("No sales in this period."), gross("channel"), money
        ),
        "top": charts.bars(
            _("Top products by gross revenue"), _("No sales in this period."), gross("top"), money
        ),
    }
