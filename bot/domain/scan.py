"""The five-conditions scan (Kaats & Opheij): every member scores each condition 1-5;
the result is a chart and a short text: averages per condition, per organisation and for
the group, the gap between organisations, the weakest condition with its tip, and the
change since the last scan. An anonymous scan never shows who gave which score.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import TYPE_CHECKING

import yaml
from babel.numbers import format_decimal

from bot.core.context import Ctx, esc
from bot.core.entities import Scan, ScanScore
from bot.core.i18n import Texts
from bot.core.outcome import Button, Outcome, Reply
from bot.core.paths import FLOWS
from bot.core.ports import Store

if TYPE_CHECKING:
    from bot.domain.service import Service

MARKS = {"ambition": "🎯", "interests": "⚖️", "process": "🧭", "relations": "🤝",
         "organisation": "🏛"}
MIN_PER_ORGANISATION = 2  # in an anonymous scan, smaller groups are not shown apart


@dataclass(frozen=True)
class Condition:
    id: str
    tip: str


def load_conditions(path: Path = FLOWS / "scan.yaml") -> list[Condition]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return [Condition(c["id"], c["tip"]) for c in (data or {}).get("conditions", [])]


@dataclass
class Result:
    respondents: int
    group: dict[str, float]
    per_org: dict[str, dict[str, float]]  # organisation name -> condition -> average
    gaps: dict[str, float]
    weakest: str | None
    change: dict[str, float]


class ScanDesk:
    def __init__(self, service: Service, conditions: list[Condition]) -> None:
        self.service = service
        self.conditions = conditions

    def _ids(self) -> list[str]:
        return [c.id for c in self.conditions]

    async def command(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        word = args.split()[0].lower() if args.split() else ""
        current = await ctx.repo.latest_scan(ctx.chat.id, closed=False)
        if word in ("result", "uitslag", "close", "sluit"):
            if current is None and word in ("result", "uitslag"):
                return await self.last_result(ctx)
            if current is None:
                return Outcome().say(t._("There is no open scan. /scan starts one."))
            if not await ctx.is_admin():
                return Outcome().say(t._("Only the group's admins can do that."))
            return Outcome(await self.close(ctx, current))
        if current is not None:
            return Outcome().say(t._("A scan is open: score it above. Admins close it with "
                                     "/scan result."))
        return Outcome([Reply(
            t._("🩺 <b>Collaboration scan</b>\nFive conditions for working together well, "
                "after Kaats &amp; Opheij. Everyone scores each one from 1 to 5, in a few taps; "
                "you see the result as a chart. Admins start it, named or anonymous."),
            [[Button(t._("▶️ Start the scan"), "sc:new:0")],
             [Button(t._("🕶 Start an anonymous scan"), "sc:new:1")]])])

    async def press(self, ctx: Ctx, parts: list[str], message_id: int | None) -> Outcome:
        t = ctx.t
        if parts[:1] == ["new"]:
            if not await ctx.is_admin():
                return Outcome(toast=t._("Only the group's admins can do that."), alert=True)
            if await ctx.repo.latest_scan(ctx.chat.id, closed=False):
                return Outcome(toast=t._("A scan is open: score it above."))
            scan = await ctx.repo.open_scan(ctx.chat.id, parts[1:] == ["1"],
                                            secrets.token_hex(16), self.service.clock.now())
            return Outcome([await self._message(ctx, scan)])
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return Outcome(toast=t._("This button no longer works."))
        scan = await ctx.repo.scan(int(parts[0]))
        if scan is None or scan.chat_id != ctx.chat.id:
            return Outcome(toast=t._("This button does not belong to this chat."))
        if parts[1] == "9":  # the result button
            if not await ctx.is_admin():
                return Outcome(toast=t._("Only the group's admins can do that."), alert=True)
            if scan.closed_at:
                return Outcome(toast=t._("This scan is already closed."))
            return Outcome(await self.close(ctx, scan))
        index, score = int(parts[1]), int(parts[2])
        if scan.closed_at:
            return Outcome(toast=t._("This scan is already closed."))
        if index >= len(self.conditions) or not 1 <= score <= 5:
            return Outcome(toast=t._("This button no longer works."))
        before = await self._complete(ctx.repo, scan)
        await ctx.repo.add_scan_score(scan.id, ctx.chat.id, self._respondent(scan, ctx),
                                      "" if scan.anonymous else ctx.member.name,
                                      ctx.member.organisation_id, self.conditions[index].id,
                                      score, None, self.service.clock.now())
        toast = t._("Saved ✓ {condition}: {score}",
                    condition=t.key(f"scan.{self.conditions[index].id}.title"), score=score)
        after = await self._complete(ctx.repo, scan)
        expected = len([m for m in await ctx.repo.members(ctx.chat.id)
                        if m.user_id != ctx.chat.id])
        if len(after) >= expected:
            return Outcome(await self.close(ctx, scan), toast=toast)
        if len(after) == len(before):
            return Outcome(toast=toast)
        return Outcome([await self._message(ctx, scan, edit=message_id)], toast=toast)

    async def remark(self, ctx: Ctx, scan_id: int, text: str) -> Outcome:
        scan = await ctx.repo.scan(scan_id)
        if scan is None or scan.chat_id != ctx.chat.id:
            return Outcome()
        if scan.closed_at:
            return Outcome().say(ctx.t._("This scan is already closed."))
        await ctx.repo.add_scan_score(scan.id, ctx.chat.id, self._respondent(scan, ctx),
                                      "" if scan.anonymous else ctx.member.name,
                                      ctx.member.organisation_id, "remark", None, text,
                                      self.service.clock.now())
        return Outcome().say(ctx.t._("✓ Remark saved."))

    def _respondent(self, scan: Scan, ctx: Ctx) -> int:
        if not scan.anonymous:
            return ctx.actor.user_id
        digest = hashlib.sha256(f"{scan.salt}:{ctx.actor.user_id}".encode()).digest()
        return int.from_bytes(digest[:7], "big")

    async def _complete(self, repo: Store, scan: Scan) -> set[int]:
        given: dict[int, set[str]] = {}
        for item in await repo.scan_scores(scan.id):
            if item.score is not None:
                given.setdefault(item.respondent, set()).add(item.condition)
        return {r for r, conditions in given.items() if set(self._ids()) <= conditions}

    async def _message(self, ctx: Ctx, scan: Scan, edit: int | None = None) -> Reply:
        t = ctx.t
        title = t._("🕶 <b>Anonymous collaboration scan #{n}</b>", n=scan.number) \
            if scan.anonymous else t._("🩺 <b>Collaboration scan #{n}</b>", n=scan.number)
        lines = [title, t._("Score each statement from 1 (not at all) to 5 (completely). "
                            "A remark? Reply to this message."), ""]
        for condition in self.conditions:
            lines.append(f"{MARKS.get(condition.id, '•')} <b>"
                         f"{t.key(f'scan.{condition.id}.title')}</b> — "
                         f"{t.key(f'scan.{condition.id}.statement')}")
        done = await self._complete(ctx.repo, scan)
        members = [m for m in await ctx.repo.members(ctx.chat.id) if m.user_id != ctx.chat.id]
        lines.append("")
        if scan.anonymous:
            lines.append(t._("Completed by {n} of {total}.", n=len(done), total=len(members)))
        else:
            lines.append(t._("Completed: {names}", names=" · ".join(
                ("✅ " if m.user_id in done else "⏳ ") + esc(m.name) for m in members)))
        buttons = [[Button(f"{MARKS.get(c.id, '')} {score}", f"sc:{scan.id}:{i}:{score}")
                    for score in range(1, 6)] for i, c in enumerate(self.conditions)]
        buttons.append([Button(t._("📊 Close and show the result"), f"sc:{scan.id}:9:0")])
        return Reply("\n".join(lines), buttons, edit=edit,
                     prompt=None if edit else (None, f"scan:{scan.id}"))

    # -- the result -----------------------------------------------------------------

    async def result(self, repo: Store, scan: Scan) -> Result:
        scores = [s for s in await repo.scan_scores(scan.id) if s.score is not None]
        orgs = {o.id: o.name for o in await repo.organisations(scan.chat_id)}
        ids = self._ids()
        group = {c: mean(s.score for s in scores if s.condition == c)
                 for c in ids if any(s.condition == c for s in scores)}
        per_org: dict[str, dict[str, float]] = {}
        for org_id, name in orgs.items():
            mine = [s for s in scores if s.organisation_id == org_id]
            people = {s.respondent for s in mine}
            if not mine or (scan.anonymous and len(people) < MIN_PER_ORGANISATION):
                continue
            per_org[name] = {c: mean(s.score for s in mine if s.condition == c)
                             for c in ids if any(s.condition == c for s in mine)}
        gaps = {}
        for c in ids:
            values = [averages[c] for averages in per_org.values() if c in averages]
            if len(values) >= 2:
                gaps[c] = max(values) - min(values)
        weakest = min(group, key=lambda c: (group[c], ids.index(c))) if group else None
        change = {}
        previous = await repo.latest_scan(scan.chat_id, closed=True, before=scan.id)
        if previous is not None:
            before = [s for s in await repo.scan_scores(previous.id) if s.score is not None]
            for c in group:
                old = [s.score for s in before if s.condition == c]
                if old:
                    change[c] = group[c] - mean(old)
        return Result(len({s.respondent for s in scores}), group, per_org, gaps, weakest, change)

    async def last_result(self, ctx: Ctx) -> Outcome:
        """The result of the last closed scan again, as it was shown when it closed."""
        t = ctx.t
        scan = await ctx.repo.latest_scan(ctx.chat.id, closed=True)
        if scan is None:
            return Outcome().say(t._("There has not been a scan yet. Send /scan to start one: "
                                     "five statements, scored in a few taps."))
        result = await self.result(ctx.repo, scan)
        if not result.respondents:
            return Outcome().say(t._("Scan #{n} was closed without scores, so it has no "
                                     "result. /scan starts a new one.", n=scan.number))
        return Outcome(await self.show(ctx, scan, result))

    async def close(self, ctx: Ctx, scan: Scan) -> list[Reply]:
        await ctx.repo.close_scan(scan.id, self.service.clock.now())
        result = await self.result(ctx.repo, scan)
        t = ctx.t
        if not result.respondents:
            return [Reply(t._("The scan is closed; nobody scored it, so there is no result."))]
        return await self.show(ctx, scan, result)

    async def show(self, ctx: Ctx, scan: Scan, result: Result) -> list[Reply]:
        """The chart and the text of a scan's result."""
        t = ctx.t
        chart = render_chart(t, self.conditions, result, scan.number)
        caption = t._("📊 Result of collaboration scan #{n}", n=scan.number)
        remarks = [s for s in await ctx.repo.scan_scores(scan.id) if s.remark]
        return [Reply(caption, file=(f"scan-{scan.number}.png", chart)),
                Reply(self.describe(t, result, scan, remarks))]

    def describe(self, t: Texts, result: Result, scan: Scan, remarks: list[ScanScore]) -> str:
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
        if result.gaps:
            widest = max(result.gaps, key=result.gaps.get)
            if result.gaps[widest] >= 1:
                lines += ["", t._("↔️ The organisations differ most on {condition} "
                                  "({gap} points). A gap like that is a finding in itself: "
                                  "talk about it.", condition=title(widest),
                                  gap=number(result.gaps[widest]))]
        if result.weakest:
            tip = next((c.tip for c in self.conditions if c.id == result.weakest), None)
            lines += ["", t._("⚠️ The weakest condition: {condition} ({score}).",
                              condition=title(result.weakest),
                              score=number(result.group[result.weakest]))]
            found = self.service.tips.get(tip) if tip else None
            if found is not None:
                lines += ["", self.service.tips.render(found, t)]
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


def render_chart(t: Texts, conditions: list[Condition], result: Result, number: int) -> bytes:
    """Bars per condition: the group, and each organisation shown; PNG, no display needed."""
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
