"""The summary of a closed round: per question and organisation, where the organisations
differ, the remarks, the change since the last round, and a next step when needed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from bot.core.context import esc
from bot.core.entities import Checkin, CheckinAnswer
from bot.core.i18n import Texts
from bot.core.outcome import Button, Reply
from bot.core.ports import Store
from bot.features.checkins.buttons import Next
from bot.features.checkins.questions import (
    ADJUST,
    LABELS,
    NUMBER,
    QUESTIONS,
    TITLES,
    complete,
    expected,
)


def next_steps(t: Texts, offers: Collection[str], stop: bool) -> list[tuple[str, str]]:
    """What a worrying check-in can lead to: a PDCA round, a talk, the Delen phase again,
    and after a vote to stop, wrapping up together (a flow's step only when the bot has
    that flow: `offers` names them)."""
    steps = []
    if "pdca" in offers:
        steps.append(("pdca", t._("🔄 Start a PDCA round")))
    steps += [("talk", t._("🗣 Plan a talk")), ("delen", t._("↩️ Revisit the Delen phase"))]
    if stop and "closing" in offers:
        steps.append(("closing", t._("🏁 Wrap up: look back together")))
    return steps


async def summary(repo: Store, t: Texts, checkin: Checkin, offers: Collection[str]) -> Reply:
    """The round summed up; `offers`: the flows a next step may start (pdca, closing)."""
    chat_id = checkin.chat_id
    answers = await repo.checkin_answers(checkin.id)
    orgs = {o.id: o.name for o in await repo.organisations(chat_id)}
    lines = [t._("📊 <b>Check-in summary</b> · {date}", date=t.date(
        checkin.opened_at.date()))]
    divergent, worrying = [], False
    for question, values in QUESTIONS.items():
        given = [a for a in answers if a.question == question]
        lines += ["", f"{NUMBER[question]} <b>{t._(TITLES[question])}</b>"]
        if not given:
            lines.append("   <i>" + t._("no answers") + "</i>")
            continue
        per_org: dict[int | None, Counter] = {}
        for answer in given:
            per_org.setdefault(answer.organisation_id, Counter())[answer.value] += 1
        for org_id, counts in per_org.items():
            name = orgs.get(org_id) or t._("no organisation")
            tally = ", ".join(f"{t._(LABELS[question, v])} {counts[v]}×"
                              for v in values if counts[v])
            lines.append(f"   {esc(name)}: {tally}")
        majorities = {counts.most_common(1)[0][0] for counts in per_org.values()}
        if len(majorities) > 1:
            divergent.append(t._(TITLES[question]))
            lines.append("   " + t._("⚠️ The organisations see this differently."))
        worrying |= (question == "g" and any(a.value == "no" for a in given)) or (
            question == "c" and any(a.value in ("adjust", "stop") for a in given))
    former = t._("a former member")
    notes = [a for a in answers if a.question == ADJUST]
    if notes:
        lines += ["", "✍️ <b>" + t._(TITLES[ADJUST]) + "</b>"]
        lines += [f"   • {esc(a.user_name or former)}: {esc(a.value)}" for a in notes]
    previous = await repo.previous_checkin(chat_id, checkin.id)
    if previous is not None:
        lines += ["", t._("Compared with the previous check-in:")]
        before = await repo.checkin_answers(previous.id)
        for question, good in (("g", "yes"), ("p", "yes"), ("c", "go")):
            lines.append("   " + t._(
                "{title}: {now} of {total} positive (last time {then} of {was})",
                title=t._(TITLES[question]), **_share(answers, before, question, good)))
    done = await complete(repo, checkin.id)
    missing = [m.name for m in await expected(repo, chat_id) if m.user_id not in done]
    if missing:
        lines += ["", t._("Did not answer: {names}", names=esc(", ".join(missing)))]
    buttons: list[list[Button]] = []
    stops = [a.value == "stop" for a in answers if a.question == "c"]
    if worrying or divergent:
        if stops and all(stops):
            lines += ["", t._("👉 <b>A next step?</b> You all chose to stop. Look back "
                              "together before you part, or choose another step:")]
        else:
            lines += ["", t._("👉 <b>A next step?</b> Not everyone is on the same page. "
                              "Choose what you want to do:")]
        buttons = [[Button(label, Next(checkin.id, kind).encode())]
                   for kind, label in next_steps(t, offers, any(stops))]
    else:
        schedule = await repo.schedule(chat_id)
        if schedule is not None and schedule.next_at:
            moment = t.datetime(schedule.next_at, schedule.timezone)
            lines += ["", t._("✅ You are on the same page. Next check-in: {when}.",
                              when=moment)]
        else:
            lines += ["", t._("✅ You are on the same page. /checkin sets a regular moment "
                              "for the next one.")]
    return Reply("\n".join(lines), buttons)


def _share(now: list[CheckinAnswer], before: list[CheckinAnswer], question: str,
           good: str) -> dict:
    current = [a for a in now if a.question == question]
    previous = [a for a in before if a.question == question]
    return {"now": sum(a.value == good for a in current), "total": len(current),
            "then": sum(a.value == good for a in previous), "was": len(previous)}
