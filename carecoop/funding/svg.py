"""Small charts rendered on the server as SVG: no script, readable without colour.

Each chart is laid out in the direction of the reader's language: in Arabic its axes are mirrored
(labels at the right, bars and lines growing leftwards). Every text carries its ``text-anchor``
and the chart its ``direction``, so a browser places the text where the layout measured it,
whatever direction the page around it inherits. ``start`` and ``end`` are read in the chart's
direction (in right-to-left, ``start`` is a text's right edge). Texts are measured by an
estimate of their width (``text_width``), generous for the 11px sans-serif of ``svg.chart``,
and cut to the room they have."""

from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi

COLOURS = ("#1f6f5c", "#c7772a", "#5a6fb0", "#9a4d8f", "#6c7a2b", "#888")
CHAR_WIDTH = 6.5  # px a character at most, on average, at 11px (Latin capitals are about 7.3)
SWATCH = 9  # the legend's colour box
GAP = 4  # between a swatch and its name
ITEM_GAP = 12  # between two legend items
LEGEND_ROW = 16


def text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def fit(text: str, room: float) -> str:
    """``text`` cut, with an ellipsis, to what ``room`` px holds."""
    most = max(int(room // CHAR_WIDTH), 1)
    return text if len(text) <= most else text[: most - 1] + "…"


def _open(title: str, width: int, height: int, rtl: bool) -> list[str]:
    direction = "rtl" if rtl else "ltr"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        # The direction as an attribute (a style attribute would break the page's policy): it
        # outweighs the direction the page passes down.
        f'aria-label="{escape(title)}" class="chart" direction="{direction}">',
        f"<title>{escape(title)}</title>",
    ]


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def bars(
    title: str,
    groups: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    *,
    width: int = 360,
    bar_height: int = 18,
    rtl: bool | None = None,
) -> SafeString:
    """Horizontal stacked bars, one per group: [(label, [(part, value), ...]), ...], each
    group's label at the side the reader starts from and a legend below the bars, wrapped into
    as many rows as its names need."""
    rtl = get_language_bidi() if rtl is None else rtl

    def x(at: float) -> float:  # a distance from the start side, as an x coordinate
        return width - at if rtl else at

    top = max((sum(max(v, 0) for _p, v in parts) for _g, parts in groups), default=0) or 1
    label_w = 110
    scale = (width - label_w - 4) / top
    names: list[str] = []
    for _group, parts in groups:
        names += [part for part, _v in parts if part not in names]
    # The legend: items side by side from the start side, a new row when one would not fit.
    legend: list[tuple[int, float, str]] = []  # (row, distance from the start side, name)
    row, at = 0, 0.0
    for name in names:
        shown = fit(name, width - SWATCH - GAP)
        needed = SWATCH + GAP + text_width(shown)
        if at and at + needed > width:
            row, at = row + 1, 0.0
        legend.append((row, at, shown))
        at += needed + ITEM_GAP
    bars_end = 20 + len(groups) * (bar_height + 8)
    height = bars_end + (row + 1) * LEGEND_ROW + 6 if names else bars_end + 6
    out = _open(title, width, height, rtl)
    y = 20
    for group, parts in groups:
        out.append(_text(x(0), y + bar_height - 5, fit(group, label_w - 6)))
        at = float(label_w)
        for part, value in parts:
            w = max(value, 0) * scale
            colour = COLOURS[names.index(part) % len(COLOURS)]
            left = x(at + w) if rtl else x(at)
            out.append(
                f'<rect x="{left:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{colour}"><title>{escape(part)}</title></rect>'
            )
            at += w
        y += bar_height + 8
    for i, (row, at, shown) in enumerate(legend):
        top_y = bars_end + 4 + row * LEGEND_ROW
        swatch = x(at + SWATCH) if rtl else x(at)
        out.append(
            f'<rect class="legend" x="{swatch:.1f}" y="{top_y}" width="{SWATCH}" '
            f'height="{SWATCH}" fill="{COLOURS[i % len(COLOURS)]}"/>'
        )
        out.append(_text(x(at + SWATCH + GAP), top_y + SWATCH - 1, shown))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every text above is escaped)


def line(
    title: str,
    points: Sequence[tuple[float, float]],
    *,
    x_label: str,
    y_label: str,
    marker: float | None = None,
    reference: float = 1.0,
    reference_label: str = "100 %",
    value_label: Callable[[float], str] | None = None,
    width: int = 360,
    height: int = 200,
    rtl: bool | None = None,
) -> SafeString:
    """A line of (x, y) points, with the y = ``reference`` line dashed (by default 1: costs
    covered). y may be below zero (a cash position); ``value_label`` writes the first and last
    values next to their points. In right-to-left, x grows leftwards from the y axis at the
    right."""
    if not points:
        return mark_safe("")
    rtl = get_language_bidi() if rtl is None else rtl
    xs = [p[0] for p in points]
    ys = [p[1] for p in points] + [reference]
    x0, x1 = min(xs), max(xs) or 1
    y0 = min(min(ys), 0.0)
    y1 = (max(max(ys), 0.0) - y0) * 1.1 or 1.0
    left, bottom = 34, height - 26

    def x(at: float) -> float:
        return width - at if rtl else at

    def px(v: float) -> float:
        return x(left + (v - x0) / ((x1 - x0) or 1) * (width - left - 8))

    def py(v: float) -> float:
        return bottom - (v - y0) / y1 * (bottom - 10)

    path = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in points)
    room = width - left - 8
    out = _open(title, width, height, rtl)
    out += [
        f'<line x1="{x(left)}" y1="{bottom}" x2="{x(width - 8)}" y2="{bottom}" stroke="#999"/>',
        f'<line x1="{x(left)}" y1="{py(reference):.1f}" x2="{x(width - 8)}" '
        f'y2="{py(reference):.1f}" stroke="#c33" stroke-dasharray="4 3"/>',
        _text(x(left + 2), py(reference) - 3, fit(reference_label, room)),
        f'<polyline fill="none" stroke="{COLOURS[0]}" stroke-width="2" points="{path}"/>',
        _text(x(left), height - 6, fit(x_label, room)),
        _text(x(0), 10, fit(y_label, width)),
    ]
    for (v, _y), anchor in ((points[0], "start"), (points[-1], "end")):
        out.append(_text(px(v), bottom + 12, f"{v:g}", anchor))
    if value_label is not None:
        for (v, w), anchor in ((points[0], "start"), (points[-1], "end")):
            above = py(w) - 4 if py(w) > 24 else py(w) + 12
            out.append(_text(px(v), above, value_label(w), anchor))
    if marker is not None:
        out.append(
            f'<line x1="{px(marker):.1f}" y1="10" x2="{px(marker):.1f}" y2="{bottom}" '
            f'stroke="#555" stroke-dasharray="2 2"/>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308
