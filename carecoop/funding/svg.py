"""Small charts rendered on the server as SVG: no script, readable without colour."""

from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#1f6f5c", "#c7772a", "#5a6fb0", "#9a4d8f", "#6c7a2b", "#888")


def bars(
    title: str,
    groups: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    *,
    width: int = 360,
    bar_height: int = 18,
) -> SafeString:
    """Horizontal stacked bars, one per group: [(label, [(part, value), ...]), ...]."""
    top = max((sum(max(v, 0) for _p, v in parts) for _g, parts in groups), default=0) or 1
    label_w = 110
    scale = (width - label_w - 10) / top
    height = 24 + len(groups) * (bar_height + 8) + 22
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    names: list[str] = []
    y = 20
    for group, parts in groups:
        out.append(f'<text x="0" y="{y + bar_height - 5}">{escape(group[:18])}</text>')
        x = float(label_w)
        for part, value in parts:
            if part not in names:
                names.append(part)
            w = max(value, 0) * scale
            colour = COLOURS[names.index(part) % len(COLOURS)]
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}">'
                f"<title>{escape(part)}</title></rect>"
            )
            x += w
        y += bar_height + 8
    x = 0.0
    for i, name in enumerate(names):
        out.append(
            f'<rect x="{x:.0f}" y="{y + 4}" width="9" height="9" fill="{COLOURS[i % len(COLOURS)]}"/>'
            f'<text x="{x + 12:.0f}" y="{y + 12}">{escape(name[:22])}</text>'
        )
        x += 14 + 6 * min(len(name), 22)
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
) -> SafeString:
    """A line of (x, y) points, with the y = ``reference`` line dashed (by default 1: costs
    covered). y may be below zero (a cash position); ``value_label`` writes the first and last
    values next to their points."""
    if not points:
        return mark_safe("")
    xs = [p[0] for p in points]
    ys = [p[1] for p in points] + [reference]
    x0, x1 = min(xs), max(xs) or 1
    y0 = min(min(ys), 0.0)
    y1 = (max(max(ys), 0.0) - y0) * 1.1 or 1.0
    left, bottom = 34, height - 26

    def px(x: float) -> float:
        return left + (x - x0) / ((x1 - x0) or 1) * (width - left - 8)

    def py(y: float) -> float:
        return bottom - (y - y0) / y1 * (bottom - 10)

    path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{bottom}" x2="{width - 8}" y2="{bottom}" stroke="#999"/>',
        f'<line x1="{left}" y1="{py(reference):.1f}" x2="{width - 8}" y2="{py(reference):.1f}" '
        f'stroke="#c33" stroke-dasharray="4 3"/>',
        f'<text x="{left + 2}" y="{py(reference) - 3:.1f}">{escape(reference_label)}</text>',
        f'<polyline fill="none" stroke="{COLOURS[0]}" stroke-width="2" points="{path}"/>',
        f'<text x="{left}" y="{height - 6}">{escape(x_label)}</text>',
        f'<text x="0" y="10">{escape(y_label)}</text>',
    ]
    for x, _y in (points[0], points[-1]):
        out.append(f'<text x="{px(x) - 8:.1f}" y="{bottom + 12}">{x:g}</text>')
    if value_label is not None:
        for (x, y), anchor in ((points[0], "start"), (points[-1], "end")):
            above = py(y) - 4 if py(y) > 24 else py(y) + 12
            out.append(
                f'<text x="{px(x):.1f}" y="{above:.1f}" text-anchor="{anchor}">'
                f"{escape(value_label(y))}</text>"
            )
    if marker is not None:
        out.append(
            f'<line x1="{px(marker):.1f}" y1="10" x2="{px(marker):.1f}" y2="{bottom}" '
            f'stroke="#555" stroke-dasharray="2 2"/>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308
