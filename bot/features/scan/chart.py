"""The scan's chart: bars per condition for the group and each organisation shown."""

from __future__ import annotations

import io

from bot.core.i18n import Texts
from bot.features.scan.conditions import Condition
from bot.features.scan.result import Result


def render_chart(t: Texts, conditions: list[Condition], result: Result, number: int) -> bytes:
    """PNG, no display needed. matplotlib is imported here, so it costs no memory until a
    chart is made."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    labels = [t.key(f"scan.{c.id}.title") for c in conditions]
    series = [(t._("The group"), result.group), *list(result.per_org.items())]
    figure = Figure(figsize=(8, 4.5), dpi=100)
    axes = figure.subplots()
    width = 0.8 / len(series)
    for i, (name, averages) in enumerate(series):
        xs = [k + (i - (len(series) - 1) / 2) * width for k in range(len(conditions))]
        ys = [averages.get(c.id, 0) for c in conditions]
        axes.bar(xs, ys, width=width * 0.95, label=name)
    axes.set_xticks(range(len(conditions)), [label.replace(" ", "\n", 1) for label in labels],
                    fontsize=9)
    axes.set_ylim(0, 5)
    axes.set_yticks(range(6))
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(t._("Collaboration scan #{n}", n=number))
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=len(series),
                frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
