"""The scan's chart, made to be read on a phone: one block per condition, a horizontal bar
for the group, the previous scan (hatched) and each organisation shown, on the 1-5 scale,
each with its value; the weakest condition marked. Colours run from dark to light, so
they read in grey-scale and for colour-blind readers too."""

from __future__ import annotations

import io
import textwrap
from datetime import date
from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from bot.core.i18n import Texts
from bot.features.scan.conditions import Condition
from bot.features.scan.result import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH = 6.0  # inches: 1200 px at DPI, about the pixels across a phone screen
DPI = 200
UNIT = 0.23  # inches per bar row
LEFT, RIGHT = 0.2, 0.5  # margins in inches; the right one holds the value of a 5
GROUP = "#3b528b"  # viridis 0.25: the darkest, so the group stands out in grey too
PREVIOUS = "#ced4e2"  # the group's colour, faded; hatched in the group's colour
WEAKEST = "#a84300"  # a dark Okabe-Ito vermillion: dark enough to read in grey too
WEAKEST_BAND = "#fbe7da"
INK = "#222222"
LEGEND_SIZE = 10  # points
COLUMN = 2.5  # inches of text in a legend column, when there are two


def organisation_colours(n: int) -> list[str]:
    """Lighter than the group's, evenly apart in lightness (viridis 0.65-0.95)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    steps = [0.7] if n == 1 else [0.65 + 0.3 * i / (n - 1) for i in range(n)]
    return [to_hex(colormaps["viridis"](x)) for x in steps]


def _font():
    # matplotlib caches both lookups (the font per thread: FT2Font is not thread-safe).
    from matplotlib.font_manager import FontProperties, findfont, get_font

    return get_font(findfont(FontProperties(family="DejaVu Sans")))


def plain(name: str) -> str:
    """A user's name as matplotlib shows it: no characters the font lacks (emoji), no
    mathtext (`$`)."""
    font = _font()
    kept = "".join(ch for ch in name if ch.isspace() or font.get_char_index(ord(ch)))
    return " ".join(kept.split()).replace("$", r"\$") or "?"


def inches(text: str, size: float = LEGEND_SIZE) -> float:
    """How wide a line of text is drawn (with matplotlib's font; no renderer needed)."""
    font = _font()
    font.set_size(size, 72)
    font.set_text(text)
    return font.get_width_height()[0] / 64 / 72


def render_chart(t: Texts, conditions: list[Condition], result: Result, number: int,
                 day: date, previous_day: date | None = None) -> bytes:
    """PNG, no display needed."""
    buffer = io.BytesIO()
    draw(t, conditions, result, number, day, previous_day).savefig(
        buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def draw(t: Texts, conditions: list[Condition], result: Result, number: int, day: date,
         previous_day: date | None = None) -> Figure:
    """matplotlib is imported here, so it costs no memory until a chart is made; a Figure
    on its own Agg canvas needs no display and touches no global state (pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    def value(v: float) -> str:
        return format_decimal(v, format="0.0", locale=t.locale)

    # (label, averages, bar style): the group, the previous scan, the organisations.
    series = [(t._("The group"), result.group, {"color": GROUP})]
    if result.previous and result.previous_scan is not None:
        when = t.date(previous_day, "medium") if previous_day else ""
        label = t._("Previous scan #{n}", n=result.previous_scan.number)
        series.append((f"{label} · {when}" if when else label, result.previous,
                       {"color": PREVIOUS, "hatch": "///", "edgecolor": GROUP}))
    colours = organisation_colours(len(result.per_org))
    series += [(plain(name), averages, {"color": colour})
               for (name, averages), colour in zip(result.per_org.items(), colours, strict=True)]

    n = len(series)
    block = 1 + n + 0.7  # a title row, a row per bar, a gap
    units = block * len(conditions)
    # Two columns when every name fits in one; else one, long names wrapped, so the
    # entries stay in the bars' order.
    columns = 2 if n > 1 and all(inches(label) <= COLUMN for label, *_ in series) else 1
    labels = [label if columns == 2 else "\n".join(textwrap.wrap(label, 64))
              for label, *_ in series]
    legend_lines = sum(max(label.count("\n") + 1 for label in labels[i:i + columns])
                       for i in range(0, n, columns))
    top = 0.85 + 0.24 * legend_lines + 0.1  # title, date, legend, gap
    bottom = 0.75  # the scale's numbers and what they mean
    height = top + units * UNIT + bottom
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((LEFT / WIDTH, bottom / height, 1 - (LEFT + RIGHT) / WIDTH,
                            units * UNIT / height))

    figure.text(LEFT / WIDTH, 1 - 0.15 / height, t._("Collaboration scan #{n}", n=number),
                fontsize=15, fontweight="bold", color=INK, va="top")
    people = t._("Taking part: {n}", n=result.respondents)
    figure.text(LEFT / WIDTH, 1 - 0.52 / height, f"{t.date(day, 'long')} · {people}",
                fontsize=10.5, color="#444444", va="top")
    handles = [Patch(facecolor=style["color"], hatch=style.get("hatch"),
                     edgecolor=style.get("edgecolor", INK), linewidth=0.6)
               for _, _, style in series]
    # Read row by row in the bars' order (matplotlib fills column by column).
    order = list(range(0, n, columns)) + list(range(1, n, columns)) if columns == 2 \
        else list(range(n))
    figure.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper left",
                  bbox_to_anchor=(LEFT / WIDTH - 0.01, 1 - 0.85 / height), ncol=columns,
                  frameon=False, fontsize=LEGEND_SIZE, handlelength=1.6, columnspacing=1.2,
                  borderaxespad=0, borderpad=0)

    for k, condition in enumerate(conditions):
        y0 = k * block
        weakest = condition.id == result.weakest
        if weakest:
            axes.axhspan(y0 - 0.15, y0 + 1 + n + 0.15, color=WEAKEST_BAND, zorder=0, lw=0)
            axes.text(4.98, y0 + 0.55, "⚠ " + t._("weakest condition"), ha="right",
                      va="center", fontsize=10.5, fontweight="bold", color=WEAKEST,
                      gid="weakest")
        axes.text(1.02, y0 + 0.55, t.key(f"scan.{condition.id}.title"), va="center",
                  fontsize=12, fontweight="bold", color=INK, gid="condition")
        for i, (_, averages, style) in enumerate(series):
            y = y0 + 1 + i + 0.5
            v = averages.get(condition.id)
            if v is None:
                axes.text(1.05, y, "–", va="center", fontsize=10, color=INK)
                continue
            # A 1 gets a sliver, so its colour still says whose bar it is.
            axes.barh(y, max(v - 1, 0.03), left=1, height=0.8, linewidth=0.6, zorder=2,
                      **{"edgecolor": INK, **style})
            axes.text(v + 0.05, y, value(v), va="center", fontsize=10, color=INK,
                      clip_on=False, gid="value", zorder=3)

    axes.set_xlim(1, 5)
    axes.set_ylim(units - 0.5, -0.3)  # the first condition on top
    axes.set_xticks(range(1, 6), [str(x) for x in range(1, 6)], fontsize=11)
    axes.set_yticks([])
    axes.set_xlabel(t._("1 = not at all · 5 = completely"), fontsize=10, color="#444444")
    axes.grid(axis="x", color="#bbbbbb", linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    return figure
