"""Charts as SVG, rendered on the server in plain Python (no JavaScript, no dependency).

The same SVG goes into pages, exports and PDFs. Every chart:
- is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>`` (aria-labelledby);
- writes every value as text next to its mark, and tells series apart by marker shape and line dash as
  well as colour, so nothing depends on colour alone;
- comes with a table alternative in the page (the caller renders the same data as a table).
Labels are escaped; a suppressed value is drawn as no bar with the text "suppressed".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREY = "#505a5f"
LIGHT = "#b1b4b6"
SERIES_COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#5694ca", "#912b88", "#28a197")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "12 2 2 2")
MARKERS = ("circle", "square", "triangle", "diamond")
FONT = 'font-family="Arial, Helvetica, sans-serif"'


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    open_ended: bool = False  # the last bin also holds every value above ``high``

    @property
    def label(self) -> str:
        if self.open_ended:
            return f"{_num(self.low)} and over"
        return f"{_num(self.low)} to under {_num(self.high)}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or not available
    note: str = ""  # shown after the value, e.g. "of 120 schools"
    missing_text: str = "suppressed"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[str, float | None], ...]  # (x label, value); None leaves a gap


def _num(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _f(value: float) -> str:
    """A coordinate, compact."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_step(span: float, target: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def bin_values(values: Sequence[float | None], *, bins: int = 10, high: float | None = None) -> list[Bin]:
    """Equal-width bins starting at 0.

    With ``high``: ``bins`` bins up to ``high``, the last one open-ended (it also holds larger values).
    Without: bins of a round width (1, 2, 2.5 or 5 times a power of ten) that cover the largest value.
    """
    if bins < 1:
        raise ValueError("a histogram needs at least one bin")
    clean = [v for v in values if v is not None and not math.isnan(v)]
    if any(v < 0 for v in clean):
        raise ValueError("histogram values must not be negative")
    if high is not None:
        if high <= 0:
            raise ValueError("the top of a histogram must be above 0")
        width, count = high / bins, bins
    else:
        top = max(clean, default=0.0)
        width = _nice_step(top, bins) if top > 0 else 1.0
        count = math.floor(top / width + 1e-9) + 1 if top > 0 else 1
    counts = [0] * count
    for v in clean:
        counts[min(math.floor(v / width + 1e-9), count - 1)] += 1  # 0.6 / 0.2 is 2.999...
    result = [Bin(low=i * width, high=(i + 1) * width, count=c) for i, c in enumerate(counts)]
    if high is not None:
        last = result[-1]
        result[-1] = Bin(low=last.low, high=last.high, count=last.count, open_ended=True)
    return result


def histogram_top(values: Sequence[float | None], *, bins: int = 10, percentile: float = 0.95) -> float | None:
    """A round top for a histogram so a few outliers do not squash the rest into one bar: ``bins`` round
    widths covering the given percentile (the last, open-ended bin holds the outliers). None if no values."""
    clean = sorted(v for v in values if v is not None and not math.isnan(v))
    if not clean or clean[-1] <= 0:
        return None
    at = clean[min(len(clean) - 1, math.ceil(percentile * len(clean)) - 1)]
    if at <= 0:
        at = clean[-1]
    width = _nice_step(at, bins)
    while width * bins <= at:
        width = _nice_step(width * bins * 1.01, bins)
    return width * bins


def _open(width: int, height: int, title: str, desc: str, id_prefix: str) -> list[str]:
    tid, did = f"{id_prefix}-title", f"{id_prefix}-desc"
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="{tid} {did}" class="app-chart" {FONT} font-size="14">'
        ),
        f'<title id="{tid}">{escape(title)}</title>',
        f'<desc id="{did}">{escape(desc)}</desc>',
    ]


def histogram_svg(
    bins: Sequence[Bin],
    *,
    title: str,
    desc: str,
    x_label: str,
    y_label: str = "Schools",
    id_prefix: str = "histogram",
) -> str:
    """Vertical bars, one per bin, heights proportional to the counts, each count written above its bar."""
    width, height = 720, 360
    left, right, top, bottom = 72, 16, 24, 88
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((b.count for b in bins), default=0)
    scale_max = peak if peak > 0 else 1
    parts = _open(width, height, title, desc, id_prefix)
    # axes
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{BLACK}" />'
    )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{BLACK}" />')
    step = _nice_step(scale_max, 4)
    tick = 0.0
    while tick <= scale_max + 1e-9:
        y = top + plot_h - tick / scale_max * plot_h
        parts.append(f'<line x1="{left - 4}" y1="{_f(y)}" x2="{left}" y2="{_f(y)}" stroke="{BLACK}" />')
        parts.append(f'<text x="{left - 8}" y="{_f(y + 5)}" text-anchor="end">{_num(tick)}</text>')
        tick += step
    slot = plot_w / max(len(bins), 1)
    parts.append('<g class="app-chart__bars">')
    for i, b in enumerate(bins):
        h = b.count / scale_max * plot_h
        x = left + i * slot + 2
        y = top + plot_h - h
        parts.append(
            f'<rect class="app-chart__bar" x="{_f(x)}" y="{_f(y)}" width="{_f(slot - 4)}" height="{_f(h)}" '
            f'fill="{BLUE}" data-count="{b.count}"><title>{escape(b.label)}: {b.count:,}</title></rect>'
        )
        parts.append(
            f'<text class="app-chart__value" x="{_f(x + (slot - 4) / 2)}" y="{_f(y - 4)}" text-anchor="middle" '
            f'font-size="12">{b.count:,}</text>'
        )
        parts.append(
            f'<text x="{_f(x + (slot - 4) / 2)}" y="{top + plot_h + 16}" text-anchor="end" font-size="12" '
            f'transform="rotate(-40 {_f(x + (slot - 4) / 2)} {top + plot_h + 16})">{escape(_num(b.low))}'
            f'{"+" if b.open_ended else ""}</text>'
        )
    parts.append("</g>")
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text x="16" y="{top + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_h / 2})">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def bars_svg(
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str,
    unit: str = "%",
    max_value: float | None = 100.0,
    id_prefix: str = "bars",
) -> str:
    """Horizontal bars, lengths proportional to the values, each value written at the end of its bar."""
    label_w, value_w, row_h = 220, 170, 28
    width = 720
    plot_w = width - label_w - value_w
    top = 8
    height = top + row_h * max(len(bars), 1) + 8
    present = [b.value for b in bars if b.value is not None]
    scale_max = max_value if max_value is not None else max(present, default=0)
    scale_max = max(scale_max, max(present, default=0), 1e-9)
    parts = _open(width, height, title, desc, id_prefix)
    parts.append('<g class="app-chart__bars">')
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">{escape(_truncate(bar.label, 30))}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y + 19}" fill="{GREY}" font-style="italic">'
                f"{escape(bar.missing_text)}</text>"
            )
            continue
        w = max(bar.value, 0) / scale_max * plot_w
        text = f"{_num(round(bar.value, 1))}{unit}" + (f" {bar.note}" if bar.note else "")
        parts.append(
            f'<rect class="app-chart__bar" x="{label_w}" y="{y + 5}" width="{_f(w)}" height="{row_h - 10}" '
            f'fill="{BLUE}" data-value="{bar.value}"><title>{escape(bar.label)}: {escape(text)}</title></rect>'
        )
        parts.append(f'<text x="{_f(label_w + w + 6)}" y="{y + 19}">{escape(text)}</text>')
    parts.append("</g>")
    parts.append(
        f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - 8}" stroke="{BLACK}" />'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{_f(x - 4)}" y="{_f(y - 4)}" width="8" height="8" fill="{colour}" />'
    if shape == "triangle":
        return f'<polygon points="{_f(x)},{_f(y - 5)} {_f(x + 5)},{_f(y + 4)} {_f(x - 5)},{_f(y + 4)}" fill="{colour}" />'
    if shape == "diamond":
        return f'<polygon points="{_f(x)},{_f(y - 5)} {_f(x + 5)},{_f(y)} {_f(x)},{_f(y + 5)} {_f(x - 5)},{_f(y)}" fill="{colour}" />'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4" fill="{colour}" />'


def line_svg(
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    y_label: str = "% of schools meeting the rule",
    max_value: float = 100.0,
    id_prefix: str = "trend",
) -> str:
    """One line per series over shared x labels (snapshot dates), each point's value written beside it."""
    width = 720
    left, right, top, bottom = 72, 200, 16, 64
    height = 320
    plot_w, plot_h = width - left - right, height - top - bottom
    xs: list[str] = []
    for s in series:
        for x, _ in s.points:
            if x not in xs:
                xs.append(x)
    scale_max = max([max_value] + [v for s in series for _, v in s.points if v is not None])
    parts = _open(width, height, title, desc, id_prefix)
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{BLACK}" />'
    )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{BLACK}" />')
    step = _nice_step(scale_max, 4)
    tick = 0.0
    while tick <= scale_max + 1e-9:
        y = top + plot_h - tick / scale_max * plot_h
        parts.append(f'<line x1="{left}" y1="{_f(y)}" x2="{left + plot_w}" y2="{_f(y)}" stroke="{LIGHT}" />')
        parts.append(f'<text x="{left - 8}" y="{_f(y + 5)}" text-anchor="end">{_num(tick)}</text>')
        tick += step

    def x_of(label: str) -> float:
        if len(xs) == 1:
            return left + plot_w / 2
        return left + xs.index(label) / (len(xs) - 1) * plot_w

    for label in xs:
        parts.append(
            f'<text x="{_f(x_of(label))}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12">'
            f"{escape(label)}</text>"
        )
    for i, s in enumerate(series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        dash = DASHES[i % len(DASHES)]
        shape = MARKERS[i % len(MARKERS)]
        parts.append(f'<g class="app-chart__series" data-series={quoteattr(s.name)}>')
        segment: list[str] = []
        segments: list[list[str]] = []
        for x, v in s.points:
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_f(x_of(x))},{_f(top + plot_h - v / scale_max * plot_h)}")
        if segment:
            segments.append(segment)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr} />'
                )
        last = None
        for x, v in s.points:
            if v is None:
                continue
            px, py = x_of(x), top + plot_h - v / scale_max * plot_h
            parts.append(_marker(shape, px, py, colour))
            parts.append(
                f'<text x="{_f(px)}" y="{_f(py - 8)}" text-anchor="middle" font-size="11">{_num(round(v, 1))}</text>'
            )
            last = (px, py)
        if last is not None:
            parts.append(
                f'<text x="{_f(left + plot_w + 10)}" y="{_f(last[1] + 4)}" font-size="12">{escape(_truncate(s.name, 26))}</text>'
            )
        parts.append("</g>")
    parts.append(
        f'<text x="16" y="{top + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_h / 2})">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
