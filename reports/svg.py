"""Inline SVG sequence diagrams of observed trace events.

No JavaScript, no external resources, no ``id`` attributes (several diagrams share one
page): arrowheads are drawn as polygons instead of markers. Every text goes through
:func:`xml.sax.saxutils.escape`; every arrow links to ``#ev-<seq>``, the decoded message
in the report page.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from xml.sax.saxutils import escape

from harness.model import TraceEvent
from reports.text import shorten, xml_safe

LEFT = 58  # room for the "#seq" column
RIGHT = 16
TOP = 12
BOX_H = 30
ROW_H = 40
CHAR_W = 6.7  # average advance of a 12px system font, used to fit labels
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

INK = "#1f2937"
MUTED = "#6b7280"
ALERT = "#b91c1c"
ALERT_BG = "#fef2f2"


def _t(text: str) -> str:
    return escape(xml_safe(text))


def _a(text: str) -> str:
    return escape(xml_safe(text), {'"': "&quot;"})


def _actor_order(actors: Sequence[str], events: Sequence[TraceEvent]) -> list[str]:
    order: list[str] = []
    for name in [*actors, *(n for e in events for n in (e.sender, e.receiver))]:
        if name and name not in order:
            order.append(name)
    return order


def _column_width(count: int) -> float:
    """Wide enough for labels; a few actors fill ~1000px, many grow the diagram."""
    return max(200.0, min(240.0, (1000 - LEFT - RIGHT) / max(count, 1)))


def _badge(x: float, y: float, step: str) -> tuple[str, float]:
    """A small step-number badge with its left edge at x; returns (svg, width)."""
    if not step:
        return "", 0.0
    label = shorten(step, 8)
    width = 10 + 6.2 * len(label)
    svg = (
        f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="{width:.1f}" height="15" rx="7.5" '
        f'fill="#e0e7ff" stroke="#6366f1" stroke-width="0.8"/>'
        f'<text x="{x + width / 2:.1f}" y="{y:.1f}" text-anchor="middle" font-size="10" '
        f'font-weight="700" fill="#3730a3">{_t(label)}</text>'
    )
    return svg, width


def _arrowhead(x: float, y: float, direction: int, colour: str) -> str:
    back = x - 9 * direction
    return (
        f'<polygon points="{x:.1f},{y:.1f} {back:.1f},{y - 4.5:.1f} {back:.1f},{y + 4.5:.1f}" '
        f'fill="{colour}"/>'
    )


def _line_style(kind: str, colour: str) -> str:
    if kind == "http-response":
        return f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="6 4"'
    if kind == "tls":
        return f'stroke="{colour}" stroke-width="1.3" stroke-dasharray="2 3"'
    return f'stroke="{colour}" stroke-width="1.6"'


def _label(x: float, y: float, text: str, room: float, colour: str, bold: bool) -> str:
    weight = ' font-weight="700"' if bold else ""
    fitted = shorten(text, max(int(room / CHAR_W), 12))
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="12" fill="{colour}"{weight} '
        f'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">'
        f"{_t(fitted)}</text>"
    )


def _event(
    event: TraceEvent, y: float, xs: dict[str, float], col: float, hot: bool, edge: float
) -> list[str]:
    """One event's drawing; ``edge`` is the x labels must not run past."""
    colour = ALERT if hot else (MUTED if event.kind == "tls" else INK)
    x1, x2 = xs[event.sender], xs[event.receiver]
    parts: list[str] = []
    if event.kind == "note":
        lo, hi = (min(x1, x2) - 70, max(x1, x2) + 70)
        fill, stroke = ("#fee2e2", ALERT) if hot else ("#fffbeb", "#d97706")
        parts.append(
            f'<rect x="{lo:.1f}" y="{y - 17:.1f}" width="{hi - lo:.1f}" height="26" rx="4" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
        )
        badge, bw = _badge(lo + 6, y, event.step)
        parts.append(badge)
        start = lo + 10 + bw
        parts.append(_label(start, y, event.summary, hi - start - 6, colour, hot))
        return parts
    if x1 == x2:  # message to self: a small loop on the right of the lifeline
        parts.append(
            f'<path d="M{x1:.1f},{y - 8:.1f} h30 v16 h-21" fill="none" '
            f"{_line_style(event.kind, colour)}/>"
        )
        parts.append(_arrowhead(x1, y + 8, -1, colour))
        badge, bw = _badge(x1 + 38, y + 4, event.step)
        parts.append(badge)
        start = x1 + 42 + bw
        parts.append(_label(start, y + 4, event.summary, min(col * 1.5, edge - start), colour, hot))
        return parts
    direction = 1 if x2 > x1 else -1
    parts.append(
        f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2 - 8 * direction:.1f}" y2="{y:.1f}" '
        f"{_line_style(event.kind, colour)}/>"
    )
    parts.append(_arrowhead(x2, y, direction, colour))
    lo, hi = min(x1, x2), max(x1, x2)
    badge, bw = _badge(lo + 12, y - 8, event.step)
    parts.append(badge)
    start = lo + 12 + bw + (5 if bw else 0)
    room = min(max(hi - start - 8, col * 1.6 - bw), edge - start)
    parts.append(_label(start, y - 8, event.summary, room, colour, hot))
    return parts


def _actor_boxes(order: Sequence[str], xs: dict[str, float], y: float, col: float) -> list[str]:
    parts: list[str] = []
    width = col - 36
    for name in order:
        x = xs[name]
        parts.append(
            f'<rect x="{x - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BOX_H}" '
            f'rx="5" fill="#f3f4f6" stroke="#9ca3af" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{y + 19:.1f}" text-anchor="middle" font-size="13" '
            f'font-weight="700" fill="{INK}">{_t(shorten(name, int(width / 7.5)))}'
            f"<title>{_t(name)}</title></text>"
        )
    return parts


def sequence_svg(
    actors: Sequence[str],
    events: Sequence[TraceEvent],
    *,
    highlight: Collection[int] = frozenset(),
) -> str:
    """An inline SVG sequence diagram: one lifeline per actor, one arrow per event.

    ``actors`` gives the lifeline order; actors that only appear in ``events`` are
    appended. Requests are solid arrows, responses dashed, TLS dotted, notes boxes.
    Events whose ``seq`` is in ``highlight`` are drawn in red on a tinted band.
    """
    order = _actor_order(actors, events) or ["(no actors)"]
    col = _column_width(len(order))
    width = LEFT + col * len(order) + RIGHT
    xs = {name: LEFT + col * i + col / 2 for i, name in enumerate(order)}
    first_row = TOP + BOX_H + 30
    rows = max(len(events), 1)
    bottom_box = first_row + rows * ROW_H - 10
    height = bottom_box + BOX_H + TOP
    names = ", ".join(order)
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'class="seq" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" font-family="{_a(FONT)}" '
        f'aria-label="{_a(f"Sequence diagram, {len(events)} messages between {names}")}">',
        f"<title>{_t(f'Observed messages between {names}')}</title>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    for index, event in enumerate(events):
        if event.seq in highlight:
            y = first_row + index * ROW_H
            parts.append(
                f'<rect x="2" y="{y - 24:.1f}" width="{width - 4:.0f}" height="{ROW_H - 4}" '
                f'rx="4" fill="{ALERT_BG}"/>'
            )
    for name in order:
        parts.append(
            f'<line x1="{xs[name]:.1f}" y1="{TOP + BOX_H:.1f}" x2="{xs[name]:.1f}" '
            f'y2="{bottom_box:.1f}" stroke="#9ca3af" stroke-width="1" stroke-dasharray="4 4"/>'
        )
    parts += _actor_boxes(order, xs, TOP, col)
    parts += _actor_boxes(order, xs, bottom_box, col)
    if not events:
        parts.append(
            f'<text x="{width / 2:.1f}" y="{first_row:.1f}" text-anchor="middle" '
            f'font-size="12" font-style="italic" fill="{MUTED}">no observed messages</text>'
        )
    for index, event in enumerate(events):
        y = first_row + index * ROW_H
        hot = event.seq in highlight
        href = _a(f"#ev-{event.seq}")
        tip = event.summary + (f" ({event.channel})" if event.channel else "")
        tip += f" - message #{event.seq}" + (f", step {event.step}" if event.step else "")
        parts.append(f'<a href="{href}" xlink:href="{href}" class="seq-ev">')
        parts.append(f"<title>{_t(tip)}</title>")
        parts.append(
            f'<text x="8" y="{y + 4:.1f}" font-size="10" fill="{ALERT if hot else MUTED}">'
            f"#{event.seq}</text>"
        )
        parts += _event(event, y, xs, col, hot, width - RIGHT)
        # A transparent hit area so the whole row is clickable, not only the thin line.
        parts.append(
            f'<rect x="{LEFT:.0f}" y="{y - 22:.1f}" width="{width - LEFT - RIGHT:.0f}" '
            f'height="{ROW_H - 8}" fill="transparent"/>'
        )
        parts.append("</a>")
    parts.append("</svg>")
    return "".join(parts)


# Charts of the load report (harness/load): same rules, no scripts, no ids, every text escaped. ---------------------
CHART_COLOURS = ("#1d4ed8", "#15803d", "#b45309", "#7e22ce", "#0891b2", "#be185d", "#4b5563")


def _nice_max(value: float) -> float:
    """The axis maximum: ``value`` rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def line_chart_svg(series: dict[str, Sequence[float]], *, title: str, y_label: str, x_label: str = "seconds",
                   width: int = 900, height: int = 260, x_step: float = 1.0) -> str:
    """One line per series over x = 0, x_step, 2 x_step, ... (e.g. operations per second of a load run)."""
    left, right, top, bottom = 56, 150, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    points = max((len(v) for v in series.values()), default=0)
    y_max = _nice_max(max((max(v) for v in series.values() if v), default=0.0))
    x_den = max(points - 1, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-family="{_a(FONT)}" aria-label="{_a(title)}">',
             f"<title>{_t(title)}</title>",
             f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#e5e7eb"/>']
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#f1f5f9"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{MUTED}">'
                     f"{y_max * i / 4:g}</text>")
    ticks = min(5, x_den)
    for i in range(ticks + 1):
        x = left + plot_w * i / ticks
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle" '
                     f'fill="{MUTED}">{x_den * x_step * i / ticks:.0f}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" font-size="11" text-anchor="middle" '
                 f'fill="{MUTED}">{_t(x_label)}</text>')
    parts.append(f'<text x="12" y="{top + plot_h / 2:.1f}" font-size="11" text-anchor="middle" fill="{MUTED}" '
                 f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{_t(y_label)}</text>')
    for n, (name, values) in enumerate(series.items()):
        colour = CHART_COLOURS[n % len(CHART_COLOURS)]
        coords = " ".join(f"{left + plot_w * i / x_den:.1f},{top + plot_h - plot_h * min(v, y_max) / y_max:.1f}"
                          for i, v in enumerate(values))
        if coords:
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
        ly = top + 12 + 18 * n
        parts.append(f'<rect x="{left + plot_w + 14}" y="{ly - 9}" width="12" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{left + plot_w + 32}" y="{ly - 4}" font-size="12" fill="{INK}">'
                     f"{_t(shorten(name, 18))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_svg(groups: dict[str, dict[str, float]], *, title: str, unit: str = "ms", width: int = 900) -> str:
    """Horizontal bars, one group per key (e.g. an operation), one bar per inner key (e.g. p50/p95/p99/max)."""
    left, right, top = 120, 70, 10
    bar_h, gap = 11, 10
    keys = list(dict.fromkeys(k for g in groups.values() for k in g))
    group_h = bar_h * max(len(keys), 1) + gap
    height = top + group_h * max(len(groups), 1) + 26
    plot_w = width - left - right
    v_max = _nice_max(max((v for g in groups.values() for v in g.values()), default=0.0))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-family="{_a(FONT)}" aria-label="{_a(title)}">',
             f"<title>{_t(title)}</title>"]
    for g, (name, values) in enumerate(groups.items()):
        y0 = top + g * group_h
        parts.append(f'<text x="{left - 8}" y="{y0 + group_h / 2:.1f}" font-size="12" text-anchor="end" '
                     f'fill="{INK}">{_t(shorten(name, 16))}</text>')
        for k, key in enumerate(keys):
            value = values.get(key, 0.0)
            y = y0 + k * bar_h
            colour = CHART_COLOURS[k % len(CHART_COLOURS)]
            w = plot_w * min(value, v_max) / v_max
            parts.append(f'<rect x="{left}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}"/>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 3:.1f}" font-size="10" fill="{MUTED}">'
                         f"{_t(f'{key} {value:g} {unit}')}</text>")
    parts.append(f'<line x1="{left}" y1="{height - 22}" x2="{left + plot_w}" y2="{height - 22}" stroke="#e5e7eb"/>')
    parts.append(f'<text x="{left + plot_w}" y="{height - 8}" font-size="11" text-anchor="end" fill="{MUTED}">'
                 f"{_t(f'{v_max:g} {unit}')}</text>")
    parts.append("</svg>")
    return "".join(parts)
