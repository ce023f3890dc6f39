"""A scan's result: averages per condition for the group and per organisation, the gap
between organisations, the weakest condition and the change since the last scan; and
the text that shows it. An anonymous scan never shows who gave which score, nor an
organisation's average unless at least two of its members scored."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean
from typing import Any, Protocol

from babel.numbers import format_decimal

from bot.core.context import esc
from bot.core.entities import Scan, ScanScore
from bot.core.i18n import Texts
from bot.core.ports import Store
from bot.features.scan.anonymous import MIN_PER_ORGANISATION
from bot.features.scan.conditions import MARKS, Condition


class TipBook(Protocol):
    """The tip library, as far as the scan needs it: the weakest condition's tip."""

    def get(self, tip_id: str) -> Any: ...

    def render(self, tip: Any, t: Texts) -> str: ...


@dataclass
class Result:
    respondents: int
    group: dict[str, float]
    per_org: dict[str, dict[str, float]]  # organisation name -> condition -> average
    gaps: dict[str, float]
    weakest: str | None
    change: dict[str, float]
    # The last closed scan before this one with scores, and its group averages: the chart
    # shows them beside this scan's.
    previous_scan: Scan | None = None
    previous: dict[str, float] = field(default_factory=dict)
    # An anonymous scan's organisations whose average is not shown: fewer than two of
    # their members scored.
    not_shown: list[str] = field(default_factory=list)


async def tally(repo: Store, scan: Scan, ids: list[str]) -> Result:
    scores = [s for s in await repo.scan_scores(scan.id) if s.score is not None]
    orgs = {o.id: o.name for o in await repo.organisations(scan.chat_id)}
    group = {c: mean(s.score for s in scores if s.condition == c)
             for c in ids if any(s.condition == c for s in scores)}
    # A closed anonymous scan's scores carry no respondent; at close each kept its
    # organisation only where at least two of its members scored.
    anonymised = bool(scan.anonymous) and scan.respondents is not None
    per_org: dict[str, dict[str, float]] = {}
    not_shown = []
    for org_id, name in orgs.items():
        mine = [s for s in scores if s.organisation_id == org_id]
        people = {s.respondent for s in mine}
        if not mine or (scan.anonymous and not anonymised
                        and len(people) < MIN_PER_ORGANISATION):
            if scan.anonymous:
                not_shown.append(name)
            continue
        per_org[name] = {c: mean(s.score for s in mine if s.condition == c)
                         for c in ids if any(s.condition == c for s in mine)}
    gaps = {}
    for c in ids:
        values = [averages[c] for averages in per_org.values() if c in averages]
        if len(values) >= 2:
            gaps[c] = max(values) - min(values)
    weakest = min(group, key=lambda c: (group[c], ids.index(c))) if group else None
    earlier: dict[str, float] = {}
    previous = await repo.latest_scan(scan.chat_id, closed=True, before=scan.id)
    if previous is not None:
        before = [s for s in await repo.scan_scores(previous.id) if s.score is not None]
        earlier = {c: mean(s.score for s in before if s.condition == c)
                   for c in ids if any(s.condition == c for s in before)}
    change = {c: group[c] - earlier[c] for c in group if c in earlier}
    respondents = scan.respondents if anonymised else len({s.respondent for s in scores})
    return Result(respondents, group, per_org, gaps, weakest, change,
                  previous if earlier else None, earlier, not_shown)


def describe(t: Texts, result: Result, scan: Scan, remarks: list[ScanScore],
             conditions: list[Condition], tips: TipBook) -> str:
    def number(value: float) -> str:
        return format_decimal(value, format="0.0", locale=t.locale)

    def title(condition: str) -> str:
        return f"{MARKS.get(condition, '')} {t.key(f'scan.{condition}.title')}"

    lines = [t._("📊 <b>Collaboration scan #{n}</b> · {people} taking part",
                 n=scan.number, people=result.respondents), ""]
    lines.append(t._("<b>The group</b>"))
    lines += [f"   {title(c)}: {number(v)}" for c, v in result.group.items()]
    for name, averages in result.per_org.items():
        lines += ["", f"<b>{esc(name)}</b>"]
        lines += [f"   {title(c)}: {number(v)}" for c, v in averages.items()]
    if scan.anonymous:
        lines += ["", t._("<i>Anonymous: only averages, and organisations only when at "
                          "least two of their members took part.</i>")]
        if result.not_shown:
            lines.append("<i>" + t._("Not shown apart, as fewer than two of their members "
                                     "scored: {n} of the {total} organisations.",
                                     n=len(result.not_shown),
                                     total=len(result.not_shown) + len(result.per_org))
                         + "</i>")
    if result.gaps:
        widest = max(result.gaps, key=result.gaps.get)
        if result.gaps[widest] >= 1:
            lines += ["", t._("↔️ The organisations differ most on {condition} "
                              "({gap} points). A gap like that is a finding in itself: "
                              "talk about it.", condition=title(widest),
                              gap=number(result.gaps[widest]))]
    if result.weakest:
        tip = next((c.tip for c in conditions if c.id == result.weakest), None)
        lines += ["", t._("⚠️ The weakest condition: {condition} ({score}).",
                          condition=title(result.weakest),
                          score=number(result.group[result.weakest]))]
        found = tips.get(tip) if tip else None
        if found is not None:
            lines += ["", tips.render(found, t)]
    if result.change:
        changes = " · ".join(f"{title(c)} {'+' if d >= 0 else '−'}{number(abs(d))}"
                             for c, d in result.change.items())
        lines += ["", t._("📈 Since the previous scan: {changes}", changes=changes)]
    former = t._("a former member")
    if remarks:
        lines += ["", t._("💬 <b>Remarks</b>")]
        lines += [f"   • {esc(r.remark)}" if scan.anonymous else
                  f"   • {esc(r.user_name or former)}: {esc(r.remark)}"
                  for r in remarks]
    lines += ["", t._("👉 <b>Next:</b> talk about the weakest condition, work on it in a "
                      "/pdca round, and repeat the /scan in a few months to see what "
                      "changed.")]
    return "\n".join(lines)
