"""Scheduled check-ins over the fake Bot API, with an injected clock: no test waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakebot.conversation import Group
from journey import join_organisations

from bot.features.checkins.schedule import Rule


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def org_group(group, bot):
    anna = group.member("Anna", admin=True, lang="nl")
    carla = group.member("Carla", lang="nl")
    await join_organisations(group, anna, [(anna, "Buurthuis"), (carla, "Voedselbank")])
    return anna, carla


async def test_weekly_checkin_keeps_local_time_across_dst(bot, fake, group, clock):
    clock.set(at(2026, 10, 14, 12, 0))  # a Wednesday, summer time
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/checkin wekelijks zondag 10:00")
    saved = await group.bot_says(containing="Check-ins gepland")
    assert "Wekelijks op zondag om 10:00" in saved.text
    assert "zondag 18 oktober om 10:00" in saved.text
    clock.set(at(2026, 10, 18, 7, 59))
    assert await bot.running.tick() == 0
    clock.set(at(2026, 10, 18, 8, 0))  # 10:00 in Amsterdam (CEST, UTC+2)
    assert await bot.running.tick() == 1
    first = await group.bot_says(containing="Check-in")
    assert "18 oktober 2026" in first.text
    schedule = await bot.repo.schedule(group.id)
    assert schedule.next_at == at(2026, 10, 25, 9, 0)  # 10:00 CET, after the change
    clock.set(at(2026, 10, 25, 8, 59))
    await bot.running.tick()  # closes nothing new, opens nothing
    assert [m for m in group.messages() if "Check-in ·" in m.get("text", "")] == [
        first.message]
    clock.set(at(2026, 10, 25, 9, 0))
    await bot.running.tick()  # the first round closes (deadline), the second opens
    await group.bot_says(containing="Samenvatting check-in")
    second = await group.bot_says(containing="Check-in ·")
    assert "25 oktober 2026" in second.text


async def test_reminder_once_and_a_divergent_summary(bot, fake, group, clock):
    anna, carla = await org_group(group, bot)
    await anna.sends("/checkin nu")
    round_ = await group.bot_says(containing="Check-in ·")
    for label in ("1️⃣ Ja", "2️⃣ Ja", "3️⃣ ▶️ Doorgaan"):
        await group.callback_answer(await anna.presses(round_, label))
    await round_.edited(containing="✅ Anna")
    assert "⏳ Carla" in round_.text
    assert await group.callback_answer(await carla.presses(round_, "1️⃣ Nee")) == (
        "Opgeslagen ✓ Nog hetzelfde doel? Nee")
    await carla.replies(round_, "We hebben te weinig vrijwilligers <voor> dit")
    await group.bot_says(containing="genoteerd")

    clock.advance(hours=23)
    assert await bot.running.tick() == 0
    clock.advance(hours=2)
    assert await bot.running.tick() == 1
    reminder = await group.bot_says(containing="staat nog open")
    assert "Carla" in reminder.text and "Anna" not in reminder.text
    assert reminder.reply_to_message_id == round_.message_id
    clock.advance(hours=12)
    assert await bot.running.tick() == 0  # never a second reminder

    clock.advance(hours=40)
    assert await bot.running.tick() == 1
    summary = await group.bot_says(containing="Samenvatting check-in")
    assert "Buurthuis: Ja 1×" in summary.text and "Voedselbank: Nee 1×" in summary.text
    assert "zien dit verschillend" in summary.text
    assert "te weinig vrijwilligers <voor> dit" in summary.text
    assert "Niet geantwoord: Carla" in summary.text
    labels = [b for row in summary.buttons for b in row]
    assert "🗣 Plan een gesprek" in labels and "↩️ Terug naar de fase Delen" in labels
    await anna.presses(summary, "🗣 Plan een gesprek")
    await group.bot_says(containing="Plan een gesprek")
    late = await carla.presses(round_, "2️⃣ Nee")
    assert await group.callback_answer(late) == "Deze check-in is al gesloten."

    # The next round compares with this one.
    await anna.sends("/checkin nu")
    again = await group.bot_says(containing="Check-in ·")
    for member in (anna, carla):
        for label in ("1️⃣ Ja", "2️⃣ Ja", "3️⃣ ▶️ Doorgaan"):
            await group.callback_answer(await member.presses(again, label))
    closing = await group.bot_says(containing="Samenvatting check-in")
    assert "Vergeleken met de vorige check-in" in closing.text
    assert "Nog hetzelfde doel?: 2 van 2 positief (vorige keer 1 van 2)" in closing.text
    assert not closing.buttons
    assert "Jullie zitten op één lijn. Met /checkin" in closing.text  # no schedule: set one
    assert not fake.errors, fake.errors


async def test_revisit_delen_from_a_summary(bot, fake, group, clock):
    anna, carla = await org_group(group, bot)
    await anna.sends("/checkin nu")
    round_ = await group.bot_says(containing="Check-in ·")
    await group.callback_answer(await anna.presses(round_, "3️⃣ 🔧 Bijsturen"))
    clock.advance(days=4)
    await bot.running.tick()
    summary = await group.bot_says(containing="Samenvatting check-in")
    await carla.presses(summary, "↩️ Terug naar de fase Delen")
    await group.bot_says(containing="Fase 2/4 · Delen")
    run = await bot.repo.latest_run(group.id, "process")
    assert run.state == "problem"  # Delen starts with the problem (issue 17)


async def test_a_round_missed_while_down_is_sent_once(bot, fake, group, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/checkin tweewekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    await bot.stop()
    clock.set(at(2026, 4, 20, 12, 0))  # down for seven weeks: three slots missed
    await bot.start()
    assert await bot.running.tick() == 1
    assert await bot.running.tick() == 0
    rounds = [m for m in group.messages() if "Check-in ·" in m.get("text", "")]
    assert len(rounds) == 1
    schedule = await bot.repo.schedule(group.id)
    assert schedule.next_at == at(2026, 5, 4, 8, 0)  # the rhythm kept, in the future


async def test_removed_bot_stops_and_readded_bot_resumes(bot, fake, group, clock):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/checkin wekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    await anna.removes_bot()
    other = Group(fake, title="Ander")
    await other.member("Eve", lang="nl").sends("/help")
    await other.bot_says()  # updates are handled in order: the removal is processed
    assert not (await bot.repo.chat(group.id)).active
    clock.advance(days=8)
    assert await bot.running.tick() == 0
    await anna.adds_bot()
    await group.bot_says(containing="Samenwerkbot")  # hello again
    assert await bot.running.tick() == 1
    await group.bot_says(containing="Check-in ·")
    assert (await bot.repo.count("answers")) == 0


async def test_a_blocked_send_marks_the_chat_inactive(bot, fake, group, clock):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/checkin wekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    fake.kick_bot(group.id)  # no my_chat_member seen: the 403 on send tells
    clock.advance(days=8)
    await bot.running.tick()
    assert not (await bot.repo.chat(group.id)).active
    checkin = await bot.repo.open_checkin_of(group.id)
    assert checkin is not None and checkin.message_id is None  # kept, not lost


async def test_a_chat_that_no_longer_exists_is_marked_inactive(bot, fake, group, clock):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/checkin wekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    del fake.chats[group.id]  # deleted: Telegram answers 400 "chat not found"
    clock.advance(days=8)
    await bot.running.tick()
    assert not (await bot.repo.chat(group.id)).active
    seen = len(fake.requests)
    clock.advance(minutes=1)
    assert await bot.running.tick() == 0, "not tried again every tick"
    assert not [m for m, _ in fake.requests[seen:] if m == "sendmessage"]


async def test_two_hundred_chats_due_at_once(bot, fake, clock):
    # PTB's limiter would wait retry_after (at least a second) on the wall clock; without
    # its retries a 429 leaves the round unsent, and the next tick sends it.
    bot.retries = 0
    await bot.restart()
    repo = bot.repo
    now = clock.now()
    groups = []
    async with repo.transaction():
        for n in range(200):
            group = Group(fake, title=f"Groep {n}")
            groups.append(group)
            await repo.ensure_chat(group.id, "group", f"Groep {n}", "nl", "Europe/Amsterdam", now)
            await repo.ensure_member(group.id, 1000 + n, f"Lid {n}", False, now)
            await repo.set_schedule(group.id, Rule("week").to_json(), "Europe/Amsterdam",
                                    now - timedelta(minutes=1))
    fake.fail_next("sendMessage", 429, retry_after=1, times=7)
    assert await bot.running.tick() == 200
    assert sum(1 for _, e in fake.errors if e.get("error_code") == 429) == 7
    assert await bot.running.tick() == 7  # the seven that met a 429, and only those
    for group in groups:
        rounds = [m for m in group.messages() if "Check-in ·" in m.get("text", "")]
        assert len(rounds) == 1, group
    assert await bot.running.tick() == 0  # nothing left to send


async def test_a_worrying_check_in_can_start_a_pdca_round(bot, fake, group, clock):
    anna, carla = await org_group(group, bot)
    await anna.sends("/checkin nu")
    round_ = await group.bot_says(containing="Check-in ·")
    await group.callback_answer(await carla.presses(round_, "1️⃣ Nee"))
    clock.advance(days=4)
    await bot.running.tick()
    summary = await group.bot_says(containing="Samenvatting check-in")
    await anna.presses(summary, "🔄 Start een PDCA-ronde")
    first = await group.bot_says(containing="ronde 1")
    assert "Fase 1/4" in first.text
    assert (await bot.repo.latest_run(group.id, "pdca")).state == "objective"


async def test_update_ids_are_forgotten_after_a_week(bot, group, clock):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/status")
    await group.bot_says()
    assert await bot.repo.count("processed_updates") == 1
    clock.advance(days=6)
    await bot.running.tick()
    assert await bot.repo.count("processed_updates") == 1, "still inside Telegram's window"
    clock.advance(days=2)
    await bot.running.tick()
    assert await bot.repo.count("processed_updates") == 0


async def test_an_unreadable_schedule_does_not_hold_up_the_others(bot, fake, clock):
    groups = [Group(fake, title=f"Groep {i}") for i in range(3)]
    for group in groups:
        anna = group.member("Anna", admin=True, lang="nl")
        await anna.sends("/checkin wekelijks maandag 10:00")
        await group.bot_says(containing="Check-ins gepland")
    broken = groups[1]
    async with bot.repo.transaction():
        await bot.repo.db.execute("UPDATE schedules SET rule = '{\"every\": \"fortnight?\"}' "
                                  "WHERE chat_id = ?", (broken.id,))
    clock.advance(days=7)
    assert await bot.running.tick() == 2
    for group in (groups[0], groups[2]):
        await group.bot_says(containing="Check-in")
    assert not [m for m in broken.unread() if "Check-in" in m.text]


def test_weekdays_read_as_each_language_writes_them():
    from bot.core.i18n import texts
    from bot.features.checkins.wizard import describe

    rule = Rule(every="2weeks", weekday=1, hour=19, minute=30)
    assert describe(rule, "Europe/Amsterdam", texts("en"), short=True) == \
        "Every two weeks on Tuesday at 19:30"
    assert "op dinsdag om 19:30" in describe(rule, "Europe/Amsterdam", texts("nl"), short=True)
