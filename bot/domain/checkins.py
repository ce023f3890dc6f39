"""Check-ins: on the group's schedule the bot asks whether the partners still share the
goal, whether it goes as planned, what to adjust and whether to go on; it reminds once,
closes the round, sums it up per organisation and proposes a next step.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.answers import parse_date
from bot.core.context import Ctx, esc
from bot.core.entities import Checkin
from bot.core.i18n import Texts
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply
from bot.core.ports import Store
from bot.domain.schedule import EVERY, Rule, next_time, parse_rule

if TYPE_CHECKING:
    from bot.domain.service import Service

log = logging.getLogger(__name__)

QUESTIONS = {"g": ("yes", "partly", "no"), "p": ("yes", "partly", "no"),
             "c": ("go", "adjust", "pause", "stop")}
REQUIRED = tuple(QUESTIONS)
ADJUST = "a"  # the optional free answer
TIMES = ("0900", "1000", "1200", "1400", "1600", "1900", "2000")
MONTH_DAYS = (1, 5, 10, 15, 20, 25, 28)


LABELS = {
    ("g", "yes"): _("Yes"), ("g", "partly"): _("Partly"), ("g", "no"): _("No"),
    ("p", "yes"): _("Yes"), ("p", "partly"): _("Partly"), ("p", "no"): _("No"),
    ("c", "go"): _("▶️ Continue"), ("c", "adjust"): _("🔧 Adjust"),
    ("c", "pause"): _("⏸ Pause"), ("c", "stop"): _("⏹ Stop"),
}
TITLES = {"g": _("Same goal?"), "p": _("Going as planned?"), "c": _("How do we go on?"),
          "a": _("Where to adjust")}
NUMBER = {"g": "1️⃣", "p": "2️⃣", "c": "3️⃣"}
EVERY_NAMES = {"week": _("Weekly"), "2weeks": _("Every two weeks"),
               "4weeks": _("Every four weeks"), "month": _("Monthly")}
WEEKDAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
                 _("Saturday"), _("Sunday"))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class CheckinDesk:
    def __init__(self, service: Service, *, remind_after: timedelta = timedelta(days=1),
                 close_after: timedelta = timedelta(days=3)) -> None:
        self.service = service
        self.remind_after = remind_after
        self.close_after = close_after

    @property
    def clock(self):
        return self.service.clock

    # -- /checkin ---------------------------------------------------------------

    async def command(self, ctx: Ctx, args: str) -> Outcome:
        words = args.lower().split()
        first = words[0] if words else ""
        if not first:
            return await self._overview(ctx)
        if first in ("now", "nu"):
            return await self.start_now(ctx)
        if not await ctx.is_admin():
            return Outcome().say(ctx.t._("Only the group's admins can do that."))
        if first in ("off", "uit", "stop"):
            await ctx.repo.delete_schedule(ctx.chat.id)
            return Outcome().say(ctx.t._("🔕 No more scheduled check-ins. /checkin to plan again."))
        if first in ("pause", "pauze"):
            return await self._pause(ctx, " ".join(args.split()[1:]))
        if first in ("resume", "hervat", "hervatten"):
            return await self._resume(ctx)
        if first in ("timezone", "tijdzone"):
            return await self._timezone(ctx, args.split()[1:] if len(args.split()) > 1 else [])
        rule = parse_rule(words)
        if rule is None:
            return Outcome().say(ctx.t._(
                "I did not understand that schedule. Examples: /checkin weekly friday 16:30 · "
                "/checkin monthly 15 10:00 · /checkin off · /checkin now · "
                "/checkin pause 2027-09-01"))
        return await self._save(ctx, rule, None)

    async def _overview(self, ctx: Ctx, edit: int | None = None) -> Outcome:
        t = ctx.t
        lines = [t._("🔔 <b>Check-ins</b>")]
        schedule = await ctx.repo.schedule(ctx.chat.id)
        if schedule is None:
            lines.append(t._("No check-ins are planned yet."))
        else:
            lines.append(self.describe(Rule.from_json(schedule.rule), ctx.chat.timezone, t))
            if schedule.paused_until:
                lines.append(t._("⏸ Paused until {date}.", date=t.date(
                    datetime.fromisoformat(schedule.paused_until).date())))
            if schedule.next_at:
                lines.append(t._("Next check-in: {when}.", when=t.datetime(
                    _when(schedule.next_at), ctx.chat.timezone)))
        if await ctx.repo.open_checkin_of(ctx.chat.id):
            lines.append(t._("A check-in is open now: answer it above."))
        lines += ["", t._("Admins choose how often below, or type for example "
                          "/checkin weekly friday 16:30. /checkin now starts one right away.")]
        buttons = [[Button(t._(EVERY_NAMES[e]), f"cs:{e}") for e in EVERY[:2]],
                   [Button(t._(EVERY_NAMES[e]), f"cs:{e}") for e in EVERY[2:]],
                   [Button(t._("🔕 Off"), "cs:off")]]
        suggestion = await self._suggestion(ctx)
        if suggestion is not None and schedule is None:
            buttons.insert(0, [Button(t._("✨ As agreed: {rule}", rule=self.describe(
                suggestion, ctx.chat.timezone, t, short=True))[:60], "cs:agreed")])
        return Outcome([Reply("\n".join(lines), buttons, edit=edit)])

    def describe(self, rule: Rule, timezone: str, t: Texts, *, short: bool = False) -> str:
        at = f"{rule.hour:02d}:{rule.minute:02d}"
        if rule.every == "month":
            text = t._("Monthly on day {day} at {time}", day=rule.day, time=at)
        else:
            text = t._("{every} on {weekday} at {time}", every=t._(EVERY_NAMES[rule.every]),
                       weekday=t._(WEEKDAY_NAMES[rule.weekday]).lower(), time=at)
        return text if short else f"{text} ({esc(timezone)})"

    async def _suggestion(self, ctx: Ctx) -> Rule | None:
        """The rhythm the group agreed in Overeenkomen, with the first evaluation's weekday."""
        run = await ctx.repo.latest_run(ctx.chat.id, "process")
        if run is None:
            return None
        given = {a.step: a.value for a in await ctx.repo.answers(run.id) if not a.skipped}
        every = {"weekly": "week", "biweekly": "2weeks", "monthly": "month"}.get(
            str(given.get("frequency")))
        if every is None:
            return None
        weekday, day = 0, 1
        if isinstance(given.get("first_eval"), str):
            first = datetime.fromisoformat(given["first_eval"])
            weekday, day = first.weekday(), min(first.day, 28)
        return Rule(every, weekday, day)

    async def _save(self, ctx: Ctx, rule: Rule, edit: int | None) -> Outcome:
        now = self.clock.now()
        tz = ctx.chat.timezone
        next_at = next_time(rule, tz, now)
        await ctx.repo.set_schedule(ctx.chat.id, rule.to_json(), tz, next_at)
        text = ctx.t._("✅ Check-ins planned: {rule}.\nThe first one: {when}.",
                       rule=self.describe(rule, tz, ctx.t),
                       when=ctx.t.datetime(next_at, tz))
        return Outcome([Reply(text, edit=edit)], toast=ctx.t._("Saved ✓"))

    async def _pause(self, ctx: Ctx, text: str) -> Outcome:
        schedule = await ctx.repo.schedule(ctx.chat.id)
        until = parse_date(text)
        if schedule is None:
            return Outcome().say(ctx.t._("There is no schedule to pause. /checkin to plan one."))
        if until is None or until <= self.clock.now().astimezone(
                ZoneInfo(ctx.chat.timezone)).date():
            return Outcome().say(ctx.t._(
                "Give a date in the future, for example: /checkin pause 2027-09-01"))
        start = datetime.combine(until, datetime.min.time(), tzinfo=ZoneInfo(ctx.chat.timezone))
        rule = Rule.from_json(schedule.rule)
        next_at = next_time(rule, ctx.chat.timezone, start.astimezone(UTC))
        await ctx.repo.set_schedule(ctx.chat.id, schedule.rule, schedule.timezone, next_at,
                                    until.isoformat())
        return Outcome().say(ctx.t._(
            "⏸ Check-ins paused until {date}. The next one: {when}. /checkin resume ends the "
            "pause earlier.", date=ctx.t.date(until),
            when=ctx.t.datetime(next_at, ctx.chat.timezone)))

    async def _resume(self, ctx: Ctx) -> Outcome:
        schedule = await ctx.repo.schedule(ctx.chat.id)
        if schedule is None:
            return Outcome().say(ctx.t._("There is no schedule to pause. /checkin to plan one."))
        return await self._save(ctx, Rule.from_json(schedule.rule), None)

    async def _timezone(self, ctx: Ctx, words: list[str]) -> Outcome:
        name = words[0] if words else ""
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return Outcome().say(ctx.t._(
                "Give a time zone such as Europe/Amsterdam or Europe/Brussels."))
        await ctx.repo.set_timezone(ctx.chat.id, name)
        ctx.chat.timezone = name
        schedule = await ctx.repo.schedule(ctx.chat.id)
        if schedule is not None and not schedule.paused_until:
            await self._save(ctx, Rule.from_json(schedule.rule), None)
        return Outcome().say(ctx.t._("✅ Time zone of this chat: {zone}.", zone=esc(name)))

    async def press_schedule(self, ctx: Ctx, parts: list[str], message_id: int | None) -> Outcome:
        """The schedule buttons: how often, then which day, then what time."""
        t = ctx.t
        if not await ctx.is_admin():
            return Outcome(toast=t._("Only the group's admins can do that."), alert=True)
        every = parts[0] if parts else ""
        if every == "off":
            await ctx.repo.delete_schedule(ctx.chat.id)
            return Outcome([Reply(t._("🔕 No more scheduled check-ins. /checkin to plan again."),
                                  edit=message_id)])
        if every == "agreed":
            rule = await self._suggestion(ctx)
            return await self._save(ctx, rule, message_id) if rule else Outcome(
                toast=t._("This button no longer works."))
        if every not in EVERY:
            return Outcome(toast=t._("This button no longer works."))
        if len(parts) == 1:
            if every == "month":
                options = [Button(str(d), f"cs:{every}:{d}") for d in MONTH_DAYS]
                question = t._("On which day of the month?")
            else:
                options = [Button(t._(name), f"cs:{every}:{i}")
                           for i, name in enumerate(WEEKDAY_NAMES)]
                question = t._("On which day of the week?")
            return Outcome([Reply(question, [options[i:i + 4] for i in range(0, len(options), 4)],
                                  edit=message_id)])
        day = int(parts[1]) if parts[1].isdigit() else 0
        if len(parts) == 2:
            options = [Button(f"{at[:2]}:{at[2:]}", f"cs:{every}:{day}:{at}") for at in TIMES]
            return Outcome([Reply(t._("At what time?"), [options[:4], options[4:]],
                                  edit=message_id)])
        at = parts[2] if len(parts[2]) == 4 and parts[2].isdigit() else "1000"
        rule = Rule(every, day % 7 if every != "month" else 0,
                    day if every == "month" else 1, int(at[:2]) % 24, int(at[2:]) % 60)
        return await self._save(ctx, rule, message_id)

    # -- a round ------------------------------------------------------------------

    async def start_now(self, ctx: Ctx) -> Outcome:
        if await ctx.repo.open_checkin_of(ctx.chat.id):
            return Outcome().say(ctx.t._("A check-in is open now: answer it above."))
        checkin_id = await self._open(ctx.repo, ctx.chat.id)
        return Outcome([await self._round_message(ctx.repo, ctx.t, checkin_id)])

    async def _open(self, repo: Store, chat_id: int) -> int:
        now = self.clock.now()
        return await repo.open_checkin(chat_id, now, now + self.remind_after,
                                       now + self.close_after)

    async def _round_message(self, repo: Store, t: Texts, checkin_id: int,
                             edit: int | None = None) -> Reply:
        checkin = await repo.checkin(checkin_id)
        chat = await repo.chat(checkin.chat_id)
        answered = await self._complete_members(repo, checkin_id)
        expected = await self._expected(repo, checkin.chat_id)
        status = " · ".join(("✅ " if m.user_id in answered else "⏳ ") + esc(m.name)
                            for m in expected)
        text = t._(
            "🔔 <b>Check-in</b> · {date}\n"
            "A moment to look at your collaboration together. Everyone answers three "
            "questions with the buttons:\n\n"
            "1️⃣ Do the partner organisations still share the same goal?\n"
            "2️⃣ Is it going as planned?\n"
            "3️⃣ How do we go on: continue, adjust, pause or stop?\n"
            "4️⃣ Where should we adjust? <i>Optional: answer with a reply to this message.</i>",
            date=t.date(_when(checkin.opened_at).astimezone(ZoneInfo(chat.timezone)).date()))
        if status:
            text += "\n\n" + t._("Answered: {names}", names=status)
        buttons = []
        for question, values in QUESTIONS.items():
            row = [Button(f"{NUMBER[question]} {t._(LABELS[question, v])}",
                          f"ci:{checkin_id}:{question}:{v}") for v in values]
            buttons += [row] if len(row) <= 3 else [row[:2], row[2:]]
        return Reply(text, buttons, edit=edit,
                     prompt=None if edit else (None, f"checkin:{checkin_id}"))

    async def _expected(self, repo: Store, chat_id: int):
        return [m for m in await repo.members(chat_id) if m.user_id != chat_id]

    async def _complete_members(self, repo: Store, checkin_id: int) -> set[int]:
        given: dict[int, set[str]] = {}
        for answer in await repo.checkin_answers(checkin_id):
            given.setdefault(answer.user_id, set()).add(answer.question)
        return {user for user, questions in given.items() if set(REQUIRED) <= questions}

    async def press(self, ctx: Ctx, parts: list[str], message_id: int | None) -> Outcome:
        """A check-in button: ci:<round>:<question>:<value>."""
        t = ctx.t
        if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in QUESTIONS \
                or parts[2] not in QUESTIONS[parts[1]]:
            return Outcome(toast=t._("This button no longer works."))
        checkin = await ctx.repo.checkin(int(parts[0]))
        if checkin is None or checkin.chat_id != ctx.chat.id:
            return Outcome(toast=t._("This button does not belong to this chat."))
        if checkin.closed_at is not None:
            return Outcome(toast=t._("This check-in is already closed."))
        before = await self._complete_members(ctx.repo, checkin.id)
        await ctx.repo.add_checkin_answer(checkin.id, ctx.chat.id, ctx.actor.user_id,
                                          ctx.member.name, ctx.member.organisation_id, parts[1],
                                          parts[2], self.clock.now())
        toast = t._("Saved ✓ {question} {answer}", question=t._(TITLES[parts[1]]),
                    answer=t._(LABELS[parts[1], parts[2]]))
        after = await self._complete_members(ctx.repo, checkin.id)
        expected = {m.user_id for m in await self._expected(ctx.repo, ctx.chat.id)}
        if expected <= after:
            return Outcome(await self._close(ctx.repo, ctx.t, checkin), toast=toast)
        if after == before:
            return Outcome(toast=toast)  # nothing new to show: spare the group an edit
        return Outcome([await self._round_message(ctx.repo, t, checkin.id, edit=message_id)],
                       toast=toast)

    async def reply(self, ctx: Ctx, checkin_id: int, text: str) -> Outcome:
        """The optional free answer: where should we adjust?"""
        checkin = await ctx.repo.checkin(checkin_id)
        if checkin is None or checkin.chat_id != ctx.chat.id:
            return Outcome()
        if checkin.closed_at is not None:
            return Outcome().say(ctx.t._("This check-in is already closed."))
        await ctx.repo.add_checkin_answer(checkin.id, ctx.chat.id, ctx.actor.user_id,
                                          ctx.member.name, ctx.member.organisation_id, ADJUST,
                                          text, self.clock.now())
        return Outcome().say(ctx.t._("✓ Thanks, {name}: noted where to adjust.",
                                     name=esc(ctx.member.name)))

    # -- the clock ticks ----------------------------------------------------------

    async def due(self, repo: Store, now: datetime) -> AsyncIterator[tuple[int, Outcome]]:
        """Everything the schedule asks for at `now`: new rounds, unsent ones, reminders and
        closings. Due rounds are opened in one transaction; then each chat's message is
        made in its own and handed out at once, so sending starts while the rest is made."""
        schedules = await repo.due_schedules(now)
        if schedules:
            async with repo.transaction():
                for schedule in schedules:
                    try:
                        rule = Rule.from_json(schedule.rule)
                        # After downtime: one round now, then the next slot after now.
                        next_at = next_time(rule, schedule.timezone, now,
                                            anchor=_when(schedule.next_at))
                    except Exception:  # one unreadable schedule must not stop the others
                        log.exception("chat %s: schedule %r unreadable; skipped",
                                      schedule.chat_id, schedule.rule)
                        continue
                    await repo.set_schedule(schedule.chat_id, schedule.rule,
                                            schedule.timezone, next_at, None)
                    if await repo.open_checkin_of(schedule.chat_id) is None:
                        await self._open(repo, schedule.chat_id)
        for checkin in await repo.checkins_waiting(now):
            async with repo.transaction():
                chat = await repo.chat(checkin.chat_id)
                t = self.service.texts(chat.language)
                outcome = Outcome()
                if _when(checkin.close_at) <= now:
                    outcome.replies += await self._close(repo, t, checkin)
                elif checkin.message_id is None:
                    outcome.replies.append(await self._round_message(repo, t, checkin.id))
                else:
                    await repo.mark_reminded(checkin.id, now)
                    outcome.replies += await self._reminder(repo, t, checkin)
            if outcome.replies:
                yield checkin.chat_id, outcome

    async def _reminder(self, repo: Store, t: Texts, checkin: Checkin) -> list[Reply]:
        done = await self._complete_members(repo, checkin.id)
        waiting = [m.name for m in await self._expected(repo, checkin.chat_id)
                   if m.user_id not in done]
        if not waiting:
            return []
        chat = await repo.chat(checkin.chat_id)
        return [Reply(t._("⏰ The check-in is still open. Not answered yet: {names}. "
                          "It closes {when}.", names=esc(", ".join(waiting)),
                          when=t.datetime(_when(checkin.close_at), chat.timezone)),
                      reply_to=checkin.message_id)]

    async def _close(self, repo: Store, t: Texts, checkin: Checkin) -> list[Reply]:
        await repo.close_checkin(checkin.id, self.clock.now())
        if checkin.message_id is None and not await repo.checkin_answers(checkin.id):
            return []  # never shown (the bot could not reach the chat): nothing to sum up
        return [await self.summary(repo, t, checkin)]

    async def summary(self, repo: Store, t: Texts, checkin: Checkin) -> Reply:
        chat_id = checkin.chat_id
        answers = await repo.checkin_answers(checkin.id)
        orgs = {o.id: o.name for o in await repo.organisations(chat_id)}
        lines = [t._("📊 <b>Check-in summary</b> · {date}", date=t.date(
            _when(checkin.opened_at).date()))]
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
            lines += [f"   • {esc(a.user_name or former)}: {esc(a.value)}"
                      for a in notes]
        previous = await repo.previous_checkin(chat_id, checkin.id)
        if previous is not None:
            lines += ["", t._("Compared with the previous check-in:")]
            before = await repo.checkin_answers(previous.id)
            for question, good in (("g", "yes"), ("p", "yes"), ("c", "go")):
                lines.append("   " + t._(
                    "{title}: {now} of {total} positive (last time {then} of {was})",
                    title=t._(TITLES[question]), **_share(answers, before, question, good)))
        done = await self._complete_members(repo, checkin.id)
        missing = [m.name for m in await self._expected(repo, chat_id) if m.user_id not in done]
        if missing:
            lines += ["", t._("Did not answer: {names}", names=esc(", ".join(missing)))]
        buttons: list[list[Button]] = []
        if worrying or divergent:
            lines += ["", t._("👉 <b>A next step?</b> Not everyone is on the same page. "
                              "Choose what you want to do:")]
            buttons = [[Button(label, f"nx:{checkin.id}:{kind}")]
                       for kind, label in self.next_steps(t)]
        else:
            schedule = await repo.schedule(chat_id)
            if schedule is not None and schedule.next_at:
                when = t.datetime(datetime.fromisoformat(schedule.next_at), schedule.timezone)
                lines += ["", t._("✅ You are on the same page. Next check-in: {when}.",
                                  when=when)]
            else:
                lines += ["", t._("✅ You are on the same page. /checkin sets a regular moment "
                                  "for the next one.")]
        return Reply("\n".join(lines), buttons)

    def next_steps(self, t: Texts) -> list[tuple[str, str]]:
        """What a worrying check-in can lead to. A PDCA flow, once it exists, plugs in here."""
        steps = []
        if "pdca" in self.service.flows:
            steps.append(("pdca", t._("🔄 Start a PDCA round")))
        steps += [("talk", t._("🗣 Plan a talk")), ("delen", t._("↩️ Revisit the Delen phase"))]
        return steps

    async def press_next(self, ctx: Ctx, parts: list[str]) -> Outcome:
        t = ctx.t
        kind = parts[1] if len(parts) == 2 else ""
        if kind == "talk":
            return Outcome().say(t._(
                "🗣 <b>Plan a talk</b>\nAgree on a moment soon with one person of each "
                "organisation. Talk about four things: do we still want the same? Is it going "
                "as planned? What do we change? Do we go on, pause or stop? Put the outcome in "
                "this group, and start a new check-in afterwards with /checkin now."))
        if kind == "delen":
            return await self.service.dialog.go_to_phase(ctx, "process", "delen")
        if kind == "pdca" and "pdca" in self.service.flows:
            return await self.service.dialog.start_or_continue(ctx, "pdca")
        return Outcome(toast=t._("This button no longer works."))


def _share(now: list, before: list, question: str, good: str) -> dict:
    current = [a for a in now if a.question == question]
    previous = [a for a in before if a.question == question]
    return {"now": sum(a.value == good for a in current), "total": len(current),
            "then": sum(a.value == good for a in previous), "was": len(previous)}
