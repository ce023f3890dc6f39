"""How a coordinator sees the partnerships: one line block each in the overview, sorted
by what needs attention, a card per partnership, and the alert lines. Titles of groups
are the only user text shown (escaped); never a member's name."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot.core.context import esc
from bot.core.i18n import Texts
from bot.core.progress import progress_bar
from bot.features.network.facts import Facts

PAGE = 8  # partnerships per overview message: within 4096 characters and a phone screen


def number(t: Texts, value: float) -> str:
    return format_decimal(value, format="0.0", locale=t.locale)


def alert_lines(t: Texts, facts: Facts) -> list[str]:
    texts = {
        "goal_no": t._("a partner says the goal is no longer shared"),
        "stop": t._("a partner asked to stop"),
        "unanswered": t._("nobody answered the last check-in"),
        "silent": t._("nothing happened for {n} weeks", n=facts.idle_days // 7),
    }
    return [texts[a] for a in facts.alerts]


def where(t: Texts, facts: Facts) -> str:
    if facts.phase is None:
        return t._("not started")
    if facts.done:
        return t._("all {total} phases done", total=facts.phases)
    title = t.key(f"{facts.phase_key}.title") if facts.phase_key else ""
    i, count = facts.question or (0, 0)
    return t._("phase {n}/{total} · {phase} {bar}", n=facts.phase, total=facts.phases,
               phase=title, bar=progress_bar(i - 1, count))


def idle(t: Texts, facts: Facts) -> str:
    if facts.idle_days == 0:
        return t._("active today")
    if facts.idle_days == 1:
        return t._("active yesterday")
    return t._("{n} days since the last activity", n=facts.idle_days)


def verdict(t: Texts, facts: Facts) -> str | None:
    if facts.checkin_at is None:
        return None
    goal_words = {"yes": t._("yes"), "partly": t._("partly"), "no": t._("no")}
    go_words = {"go": t._("continue"), "adjust": t._("adjust"), "pause": t._("pause"),
                "stop": t._("stop")}
    goal = " · ".join(f"{word} {facts.goal[v]}" for v, word in goal_words.items()
                      if facts.goal[v])
    go_on = " · ".join(f"{word} {facts.go_on[v]}" for v, word in go_words.items()
                       if facts.go_on[v])
    if not goal and not go_on:
        return t._("Last check-in: no answers")
    return t._("Last check-in: same goal {goal}; {go_on}", goal=goal or "–", go_on=go_on or "–")


def scan_line(t: Texts, facts: Facts) -> str | None:
    if facts.scan_number is None:
        return None
    if facts.scan_average is None:
        return t._("Scan #{n}: too few respondents to show", n=facts.scan_number)
    weakest = t.key(f"scan.{facts.scan_weakest}.title") if facts.scan_weakest else "–"
    return t._("Scan #{n}: average {average}, weakest: {weakest}", n=facts.scan_number,
               average=number(t, facts.scan_average), weakest=weakest)


def block(t: Texts, facts: Facts) -> str:
    mark = "🔴" if {"goal_no", "stop"} & set(facts.alerts) else "🟠" if facts.alerts else "🟢"
    lines = [f"{mark} <b>{esc(facts.title)}</b>", f"   {where(t, facts)} · {idle(t, facts)}"]
    lines += [f"   {line}" for line in (verdict(t, facts), scan_line(t, facts)) if line]
    lines += [f"   ⚠️ {line}" for line in alert_lines(t, facts)]
    return "\n".join(lines)


def overview(t: Texts, name: str, page: list[Facts], first: int, total: int) -> str:
    head = t._("🧭 <b>Network {name}</b> · {n} linked partnerships", name=esc(name), n=total)
    if not total:
        return head + "\n\n" + t._("No group has linked yet. An admin of a group links it "
                                   "with /network and your link code.")
    if total > len(page):
        head += "\n" + t._("{first}–{last} of {total}, what needs attention first",
                           first=first + 1, last=first + len(page), total=total)
    return "\n\n".join([head, *(block(t, f) for f in page)])


def card(t: Texts, facts: Facts, zone: str) -> str:
    def day(moment: datetime | None) -> str:
        return t.date(moment.astimezone(ZoneInfo(zone)).date()) if moment else "–"

    lines = [f"📇 <b>{esc(facts.title)}</b>", "", f"🧭 {where(t, facts)}",
             f"🕒 {idle(t, facts)} ({day(facts.last_active)})"]
    if facts.checkin_at is not None:
        lines += ["", t._("✅ <b>Last check-in</b>, {date}: {n} answered",
                          date=day(facts.checkin_at), n=facts.checkin_answers)]
        lines.append(f"   {verdict(t, facts)}")
    if facts.scan_number is not None:
        lines += ["", f"🩺 {scan_line(t, facts)} ({day(facts.scan_at)})"]
        for condition, value in facts.scan_averages.items():
            lines.append(f"   {t.key(f'scan.{condition}.title')}: {number(t, value)}")
    if facts.alerts:
        lines += ["", *(f"⚠️ {line}" for line in alert_lines(t, facts))]
    if facts.share and facts.remarks:
        lines += ["", t._("💬 <b>Where to adjust</b> (shared by the group)")]
        lines += [f"   • {esc(remark)}" for remark in facts.remarks]
    elif not facts.share:
        lines += ["", t._("<i>This group does not share its summaries: you see counts "
                          "and averages only.</i>")]
    return "\n".join(lines)
