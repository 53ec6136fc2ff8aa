"""Charts drawn on the server as SVG: nothing to run in the browser, nothing fetched.

Each chart carries a <title> and a <desc> (read by screen readers through aria-labelledby);
the page puts the same figures in a table beside it. Colours are presentation attributes,
not inline styles, so the Content-Security-Policy allows them and print keeps them."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from markupsafe import Markup
from markupsafe import escape

BAR = "#1f6b3a"
TEXT = "#1d2a1f"
MUTED = "#5b6b5e"
_ids = count(1)


def _frame(title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-t{n} chart-d{n}">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
    )
    # Every text that came from data went through escape() above.
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704


def bars(
    title: str,
    desc: str,
    items: list[tuple[str, int | None]],
    fmt: Callable[[int | None], str],
) -> Markup:
    """Horizontal bars, one per item, the label above the bar and the value at its end;
    a suppressed value (None) draws no bar and says "—"."""
    width, row = 360, 38
    height = max(row * len(items), row)
    top = max((v for _, v in items if v), default=0)
    body = []
    for i, (label, value) in enumerate(items):
        y = i * row
        length = int(220 * value / top) if value and top > 0 and value > 0 else 0
        body.append(
            f'<text x="0" y="{y + 12}" font-size="12" fill="{TEXT}">{escape(label)}</text>'
            f'<rect x="0" y="{y + 17}" width="{length}" height="14" fill="{BAR}"/>'
            f'<text x="{length + 6}" y="{y + 29}" font-size="12" fill="{MUTED}">'
            f"{escape(fmt(value))}</text>"
        )
    if not items:
        body.append(f'<text x="0" y="20" font-size="12" fill="{MUTED}">{escape(desc)}</text>')
    return _frame(title, desc, width, height, body)


def columns(title: str, desc: str, items: list[tuple[str, int | None]]) -> Markup:
    """Vertical columns for a monthly trend, the month under each; no values drawn (the
    table beside gives them), a suppressed month draws a dash."""
    width, height, base = 360, 180, 150
    step = width / max(len(items), 1)
    top = max((v for _, v in items if v), default=0)
    body = [f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="{MUTED}"/>']
    for i, (label, value) in enumerate(items):
        x = i * step
        if value is None:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{base - 4}" font-size="12" '
                f'text-anchor="middle" fill="{MUTED}">—</text>'
            )
        elif value > 0 and top > 0:
            h = 140 * value / top
            body.append(
                f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" '
                f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="{BAR}"/>'
            )
        body.append(
            f'<text x="{x + step / 2:.1f}" y="{base + 16}" font-size="11" '
            f'text-anchor="middle" fill="{TEXT}">{escape(label[:2])}</text>'
        )
    return _frame(title, desc, width, height, body)
