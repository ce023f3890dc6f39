"""Across the network: the five conditions averaged over every linked partnership (only
scans with three or more respondents, as the group itself saw them) as a chart, and an
export for the coordinator's own reporting, CSV and XLSX, one row per partnership.
Neither holds a name or free text: only group titles, counts, averages and dates."""

from __future__ import annotations

import csv
import io
import textwrap
from datetime import datetime
from statistics import mean
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal, get_decimal_symbol

from bot.core.i18n import Texts
from bot.features.network.facts import Facts
from bot.features.network.view import alert_lines, where


def columns(t: Texts) -> list[str]:
    """The header row, in the coordinator's language: the export is for their own reports."""
    return [t._("Collaboration"), t._("Where"), t._("Phase"), t._("Phases"), t._("Done"),
            t._("Days since activity"), t._("Last check-in"), t._("Check-in respondents"),
            t._("Same goal: yes"), t._("Same goal: partly"), t._("Same goal: no"),
            t._("Continue"), t._("Adjust"), t._("Pause"), t._("Stop"), t._("Last scan"),
            t._("Scan respondents"), t._("Scan average"), t._("Weakest condition"),
            t._("Alerts"), t._("Summaries shared")]


def averages(facts: list[Facts]) -> tuple[dict[str, float], int]:
    """Each condition's mean over the partnerships whose last scan may be shown, and how
    many partnerships that is."""
    shown = [f for f in facts if f.scan_averages]
    conditions: list[str] = []
    for f in shown:
        conditions += [c for c in f.scan_averages if c not in conditions]
    return ({c: mean(f.scan_averages[c] for f in shown if c in f.scan_averages)
             for c in conditions}, len(shown))


def rows(t: Texts, facts: list[Facts], zone: str) -> list[list[object]]:
    def day(moment: datetime | None) -> str:
        return moment.astimezone(ZoneInfo(zone)).date().isoformat() if moment else ""

    def yes(value: bool) -> str:
        return t._("yes") if value else t._("no")

    found = []
    for f in facts:
        average = f.scan_average
        found.append([
            f.title, where(t, f), f.phase or "", f.phases, yes(f.done), f.idle_days,
            day(f.checkin_at), f.checkin_answers if f.checkin_at else "", f.goal["yes"],
            f.goal["partly"], f.goal["no"], f.go_on["go"], f.go_on["adjust"],
            f.go_on["pause"], f.go_on["stop"], f.scan_number or "",
            f.scan_respondents if f.scan_number else "",
            round(average, 2) if average is not None else "",
            t.key(f"scan.{f.scan_weakest}.title") if f.scan_weakest else "",
            "; ".join(alert_lines(t, f)), yes(f.share)])
    return found


def to_csv(t: Texts, facts: list[Facts], zone: str) -> bytes:
    """As the language's spreadsheets read a CSV they open: where the decimal sign is a
    comma (Dutch), the fields are separated by semicolons and 3,5 is a number."""
    comma = get_decimal_symbol(t.locale) == ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if comma else ",")
    writer.writerow(columns(t))
    writer.writerows([[_csv_cell(v, comma) for v in row] for row in rows(t, facts, zone)])
    return out.getvalue().encode("utf-8-sig")  # the BOM: spreadsheets read UTF-8 then


def _csv_cell(value: object, comma: bool) -> object:
    if isinstance(value, float):
        return str(value).replace(".", ",") if comma else value
    # A cell starting with = + - @ would be read as a formula by a spreadsheet that opens
    # the file: an apostrophe in front keeps it text (OWASP's advice for CSV).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value


def to_xlsx(t: Texts, facts: list[Facts], zone: str, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "network"
    sheet.append(columns(t))
    for row in rows(t, facts, zone):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text as it is: "=Noord" is a name, not a formula
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart(t: Texts, name: str, facts: list[Facts], today: str) -> bytes | None:
    """A bar per condition on the 1-5 scale, the weakest marked; None without scans."""
    found, count = averages(facts)
    if not found:
        return None
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = [t.key(f"scan.{c}.title") for c in found]
    values = list(found.values())
    weakest = min(range(len(values)), key=lambda i: values[i])
    figure = Figure(figsize=(8, 1.2 + 0.8 * len(values)), dpi=150, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    colour = colormaps["viridis"](0.25)
    bars = axes.barh(range(len(values)), [v - 1 for v in values], left=1, color=colour)
    bars[weakest].set_hatch("//")
    bars[weakest].set_edgecolor("white")
    for i, value in enumerate(values):
        text = format_decimal(value, format="0.0", locale=t.locale)
        axes.text(value + 0.05, i, text + (" ⚠" if i == weakest else ""), va="center")
    axes.set_yticks(range(len(values)), labels)
    axes.invert_yaxis()
    axes.set_xlim(1, 5.4)
    axes.set_xticks([1, 2, 3, 4, 5])
    axes.spines[["top", "right"]].set_visible(False)
    title = t.n_("Five conditions across {name}: {n} collaboration · {date}",
                 "Five conditions across {name}: {n} collaborations · {date}", count,
                 name=name, date=today)
    axes.set_title(textwrap.fill(title, 80), loc="left", fontsize=11)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
