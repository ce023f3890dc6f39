"""The check-in schedule: the overview with its buttons (how often, which day, what time),
typed rules, pause and resume, the chat's time zone, and the rhythm agreed in
Overeenkomen as a suggestion."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.clock import Clock
from bot.core.context import Ctx, admins_only, esc, not_this_chat, stale
from bot.core.dates import read_date
from bot.core.flows import Flow
from bot.core.i18n import LANGUAGES, Texts
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply
from bot.core.progress import given
from bot.features.checkins.buttons import Agreed, At, Day, Off, Often
from bot.features.checkins.schedule import EVERY, Rule, next_time, parse_rule

TIMES = ((9, 0), (10, 0), (12, 0), (14, 0), (16, 0), (19, 0), (20, 0))
MONTH_DAYS = (1, 5, 10, 15, 20, 25, 28)
EVERY_NAMES = {"week": _("Weekly"), "2weeks": _("Every two weeks"),
               "4weeks": _("Every four weeks"), "month": _("Monthly")}
WEEKDAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
                 _("Saturday"), _("Sunday"))
# The choices of the process flow's rhythm step, as our rules.
AGREED = {"weekly": "week", "biweekly": "2weeks", "monthly": "month"}


def describe(rule: Rule, timezone: str, t: Texts, *, short: bool = False) -> str:
    at = f"{rule.hour:02d}:{rule.minute:02d}"
    if rule.every == "month":
        text = t._("Monthly on day {day} at {time}", day=rule.day, time=at)
    else:
        weekday = t._(WEEKDAY_NAMES[rule.weekday])
        # mid-sentence Dutch writes weekdays in lower case ("op dinsdag"), English never
        text = t._("{every} on {weekday} at {time}", every=t._(EVERY_NAMES[rule.every]),
                   weekday=weekday if t.language == "en" else weekday.lower(), time=at)
    return text if short else f"{text} ({esc(timezone)})"


class Wizard:
    def __init__(self, clock: Clock, flows: Mapping[str, Flow]) -> None:
        self.clock = clock
        self.flows = flows  # the process flow names the step that suggests a rhythm

    async def overview(self, ctx: Ctx) -> Outcome:
        t = ctx.t
        lines = [t._("🔔 <b>Check-ins</b>")]
        schedule = await ctx.repo.schedule(ctx.chat.id)
        if schedule is None:
            lines.append(t._("No check-ins are planned yet."))
        else:
            lines.append(describe(Rule.from_json(schedule.rule), ctx.chat.timezone, t))
            if schedule.paused_until:
                lines.append(t._("⏸ Paused until {date}.", date=t.date(schedule.paused_until)))
            if schedule.next_at:
                lines.append(t._("Next check-in: {when}.", when=t.datetime(
                    schedule.next_at, ctx.chat.timezone)))
        if await ctx.repo.open_checkin_of(ctx.chat.id):
            lines.append(t._("A check-in is open now: answer it above."))
        lines += ["", t._("Admins choose how often below, or type for example "
                          "/checkin weekly friday 16:30. /checkin now starts one right away.")]
        chat = ctx.chat.id
        buttons = [[Button(t._(EVERY_NAMES[e]), Often(chat, e).encode()) for e in EVERY[:2]],
                   [Button(t._(EVERY_NAMES[e]), Often(chat, e).encode()) for e in EVERY[2:]],
                   [Button(t._("🔕 Off"), Off(chat).encode())]]
        suggestion = await self.suggestion(ctx)
        if suggestion is not None and schedule is None:
            label = t._("✨ As agreed: {rule}", rule=describe(suggestion, ctx.chat.timezone, t,
                                                              short=True))
            buttons.insert(0, [Button(label[:60], Agreed(chat).encode())])
        return Outcome([Reply("\n".join(lines), buttons)])

    async def suggestion(self, ctx: Ctx) -> Rule | None:
        """The rhythm the group agreed in Overeenkomen, with the first evaluation's weekday."""
        flow = self.flows.get("process")
        run = await ctx.repo.latest_run(ctx.chat.id, "process") if flow else None
        if run is None or flow.checkin_rhythm is None:
            return None
        rhythm, start = flow.checkin_rhythm  # named in the flow file
        answers = given(await ctx.repo.answers(run.id))
        every = AGREED.get(str(answers.get(rhythm)))
        if every is None:
            return None
        weekday, day = 0, 1
        if start is not None and isinstance(answers.get(start), str):
            first = datetime.fromisoformat(answers[start])
            weekday, day = first.weekday(), min(first.day, 28)
        return Rule(every, weekday, day)

    async def typed(self, ctx: Ctx, typed: list[str]) -> Outcome:
        """A rule as typed: /checkin wekelijks vrijdag 16:30."""
        rule = parse_rule(typed)
        if rule is None:
            return Outcome().say(ctx.t._(
                "I did not understand that schedule. Examples: /checkin weekly friday 16:30 · "
                "/checkin monthly 15 10:00 · /checkin off · /checkin now · "
                "/checkin pause 2027-09-01"))
        return await self.save(ctx, rule, None)

    async def save(self, ctx: Ctx, rule: Rule, edit: int | None) -> Outcome:
        tz = ctx.chat.timezone
        next_at = next_time(rule, tz, self.clock.now())
        await ctx.repo.set_schedule(ctx.chat.id, rule.to_json(), tz, next_at)
        text = ctx.t._("✅ Check-ins planned: {rule}.\nThe first one: {when}.",
                       rule=describe(rule, tz, ctx.t), when=ctx.t.datetime(next_at, tz))
        return Outcome([Reply(text, edit=edit)], toast=ctx.t._("Saved ✓"))

    async def off(self, ctx: Ctx, edit: int | None = None) -> Outcome:
        await ctx.repo.delete_schedule(ctx.chat.id)
        return Outcome([Reply(ctx.t._("🔕 No more scheduled check-ins. /checkin to plan again."),
                              edit=edit)])

    async def pause(self, ctx: Ctx, text: str) -> Outcome:
        schedule = await ctx.repo.schedule(ctx.chat.id)
        if schedule is None:
            return Outcome().say(ctx.t._("There is no schedule to pause. /checkin to plan one."))
        zone = ZoneInfo(ctx.chat.timezone)
        today = self.clock.now().astimezone(zone).date()
        # As the process reads dates ("1-9-2027", "1 september", "over drie weken"); a
        # relative phrase loads dateparser's data the first time, so off the event loop.
        until = (await asyncio.to_thread(read_date, text, today,
                                         tuple(dict.fromkeys((ctx.t.language, *LANGUAGES))))).value
        if until is None or until <= today:
            return Outcome().say(ctx.t._(
                "Give a date in the future, for example: /checkin pause 2027-09-01"))
        start = datetime.combine(until, datetime.min.time(), tzinfo=zone)
        next_at = next_time(Rule.from_json(schedule.rule), ctx.chat.timezone,
                            start.astimezone(UTC))
        await ctx.repo.set_schedule(ctx.chat.id, schedule.rule, schedule.timezone, next_at,
                                    until)
        return Outcome().say(ctx.t._(
            "⏸ Check-ins paused until {date}. The next one: {when}. /checkin resume ends the "
            "pause earlier.", date=ctx.t.date(until),
            when=ctx.t.datetime(next_at, ctx.chat.timezone)))

    async def resume(self, ctx: Ctx) -> Outcome:
        schedule = await ctx.repo.schedule(ctx.chat.id)
        if schedule is None:
            return Outcome().say(ctx.t._("There is no schedule to pause. /checkin to plan one."))
        return await self.save(ctx, Rule.from_json(schedule.rule), None)

    async def timezone(self, ctx: Ctx, name: str) -> Outcome:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return Outcome().say(ctx.t._(
                "Give a time zone such as Europe/Amsterdam or Europe/Brussels."))
        await ctx.repo.set_timezone(ctx.chat.id, name)
        ctx.chat.timezone = name
        schedule = await ctx.repo.schedule(ctx.chat.id)
        if schedule is not None and not schedule.paused_until:
            await self.save(ctx, Rule.from_json(schedule.rule), None)  # the next slot moves
        return Outcome().say(ctx.t._("✅ Time zone of this chat: {zone}.", zone=esc(name)))

    # -- the buttons: how often, then which day, then what time -------------------------

    async def _allowed(self, ctx: Ctx, chat: int) -> Outcome | None:
        """Why this press is refused, or None: the chat's own buttons, for its admins."""
        if chat != ctx.chat.id:
            return not_this_chat(ctx)
        return None if await ctx.is_admin() else admins_only(ctx, pressed=True)

    async def press_often(self, ctx: Ctx, data: Often, message_id: int | None) -> Outcome:
        t = ctx.t
        if refused := await self._allowed(ctx, data.chat):
            return refused
        if data.every not in EVERY:
            return stale(ctx)
        if data.every == "month":
            options = [Button(str(d), Day(data.chat, data.every, d).encode())
                       for d in MONTH_DAYS]
            question = t._("On which day of the month?")
        else:
            options = [Button(t._(name), Day(data.chat, data.every, i).encode())
                       for i, name in enumerate(WEEKDAY_NAMES)]
            question = t._("On which day of the week?")
        return Outcome([Reply(question, [options[i:i + 4] for i in range(0, len(options), 4)],
                              edit=message_id)])

    async def press_day(self, ctx: Ctx, data: Day, message_id: int | None) -> Outcome:
        if refused := await self._allowed(ctx, data.chat):
            return refused
        if data.every not in EVERY:
            return stale(ctx)
        options = [Button(f"{h:02d}:{m:02d}", At(data.chat, data.every, data.day, h, m).encode())
                   for h, m in TIMES]
        return Outcome([Reply(ctx.t._("At what time?"), [options[:4], options[4:]],
                              edit=message_id)])

    async def press_at(self, ctx: Ctx, data: At, message_id: int | None) -> Outcome:
        if refused := await self._allowed(ctx, data.chat):
            return refused
        if data.every not in EVERY:
            return stale(ctx)
        monthly = data.every == "month"
        rule = Rule(data.every, 0 if monthly else data.day % 7,
                    min(max(data.day, 1), 28) if monthly else 1, data.hour % 24,
                    data.minute % 60)
        return await self.save(ctx, rule, message_id)

    async def press_agreed(self, ctx: Ctx, data: Agreed, message_id: int | None) -> Outcome:
        if refused := await self._allowed(ctx, data.chat):
            return refused
        rule = await self.suggestion(ctx)
        if rule is None:
            return stale(ctx)
        return await self.save(ctx, rule, message_id)

    async def press_off(self, ctx: Ctx, data: Off, message_id: int | None) -> Outcome:
        if refused := await self._allowed(ctx, data.chat):
            return refused
        return await self.off(ctx, message_id)
