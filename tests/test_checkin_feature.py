"""The check-ins as a feature: the schedule wizard, pause and resume, the time zone, the
agreed rhythm, buttons bound to their chat, and the schedule words of both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fakebot.conversation import Group

from bot.core.i18n import texts
from bot.features.checkins.schedule import Rule, parse_rule

NL = texts("nl")


async def forged_press(fake, other: Group, member, data: str, query_id: str) -> str:
    """Press a button with `data` on a message of the other chat (as a forger would)."""
    await member.sends("/start")
    sent = await other.bot_says()
    message = dict(sent.message, reply_markup={"inline_keyboard": [[
        {"text": "x", "callback_data": data}]]})
    fake.push_update({"callback_query": {"id": query_id, "from": member.user,
                                         "message": message, "chat_instance": "1",
                                         "data": data}})
    return await other.callback_answer(query_id) or ""


def test_schedule_words_of_both_languages():
    assert parse_rule(["weekly", "on", "friday", "at", "16:30"]) == Rule("week", 4, 1, 16, 30)
    assert parse_rule(["wekelijks", "op", "vrijdag", "om", "16.30"]) == Rule("week", 4, 1, 16, 30)
    assert parse_rule(["Tweewekelijks", "di"]) == Rule("2weeks", 1)
    assert parse_rule(["biweekly", "tue"]) == Rule("2weeks", 1)
    assert parse_rule(["maandelijks", "de", "15", "9:00"]) == Rule("month", 0, 15, 9, 0)
    assert parse_rule(["elke", "week", "zo"]) == Rule("week", 6)
    assert parse_rule(["every", "4weeks", "sun"]) == Rule("4weeks", 6)
    assert parse_rule(["4-wekelijks", "do"]) == Rule("4weeks", 3)
    assert parse_rule(["friday", "16:30"]) is None  # how often is missing
    assert parse_rule(["weekly", "soon"]) is None


async def test_the_wizard_plans_by_buttons_for_admins_only(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    carla = group.member("Carla", lang="nl")
    await anna.sends("/checkin")
    overview = await group.bot_says(containing=NL._("No check-ins are planned yet."))
    assert overview.buttons == [["Wekelijks", "Om de twee weken"],
                                ["Elke vier weken", "Maandelijks"], ["🔕 Uit"]]
    refused = await carla.presses(overview, "Wekelijks")
    assert await group.callback_answer(refused) == NL._("Only the group's admins can do that.")
    await anna.presses(overview, "Wekelijks")
    await overview.edited(containing="Op welke dag van de week?")
    await anna.presses(overview, "Vrijdag")
    await overview.edited(containing="Hoe laat?")
    await anna.presses(overview, "16:00")
    await overview.edited(containing="Check-ins gepland")
    assert "Wekelijks op vrijdag om 16:00" in overview.text
    schedule = await bot.repo.schedule(group.id)
    assert Rule.from_json(schedule.rule) == Rule("week", 4, 1, 16, 0)

    await carla.sends("/checkin uit")
    await group.bot_says(containing=NL._("Only the group's admins can do that."))
    assert await bot.repo.schedule(group.id) is not None
    await anna.sends("/checkin")
    again = await group.bot_says(containing="Wekelijks op vrijdag om 16:00")
    await anna.presses(again, "🔕 Uit")
    await again.edited(containing="Geen geplande check-ins meer")
    assert await bot.repo.schedule(group.id) is None
    assert not fake.errors, fake.errors


async def test_pause_resume_and_time_zone(bot, fake, group, clock):
    anna = group.member("Anna", admin=True, lang="nl")  # 5 January 2026, a Monday
    await anna.sends("/checkin wekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    await anna.sends("/checkin pauze 1-1-2026")
    await group.bot_says(containing="Geef een datum in de toekomst")
    await anna.sends("/checkin pauze 1 maart")  # as the process reads dates: no year needed
    paused = await group.bot_says(containing="gepauzeerd tot 1 maart 2026")
    assert "maandag 2 maart om 10:00" in paused.text
    schedule = await bot.repo.schedule(group.id)
    assert schedule.paused_until == date(2026, 3, 1)
    assert schedule.next_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    await anna.sends("/checkin")
    await group.bot_says(containing=NL._("⏸ Paused until {date}.", date="1 maart 2026"))

    await anna.sends("/checkin hervat")
    await group.bot_says(containing="Check-ins gepland")
    schedule = await bot.repo.schedule(group.id)
    assert schedule.paused_until is None
    assert schedule.next_at == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)

    await anna.sends("/checkin tijdzone Mars/Olympus")
    await group.bot_says(containing="Geef een tijdzone")
    await anna.sends("/checkin tijdzone Europe/London")
    await group.bot_says(containing="Tijdzone van deze chat: Europe/London")
    schedule = await bot.repo.schedule(group.id)
    assert (schedule.timezone, schedule.next_at) == (
        "Europe/London", datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    assert not fake.errors, fake.errors


async def test_the_agreed_rhythm_is_offered_until_a_schedule_is_set(bot, fake, group, clock):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/status")
    await group.bot_says()
    now = clock.now()
    async with bot.repo.transaction():
        run = await bot.repo.start_run(group.id, "process", "frequency", now)
        for step, value in (("frequency", "biweekly"), ("first_eval", "2026-02-03")):
            await bot.repo.add_answer(run.id, group.id, step, anna.id, "Anna", None, value, now)
    await anna.sends("/checkin")
    overview = await group.bot_says(containing=NL._("No check-ins are planned yet."))
    label = "✨ Zoals afgesproken: Om de twee weken op dinsdag om 10:00"
    assert overview.buttons[0] == [label]
    await anna.presses(overview, label)
    await overview.edited(containing="Check-ins gepland")
    schedule = await bot.repo.schedule(group.id)
    assert Rule.from_json(schedule.rule) == Rule("2weeks", 1, 3)
    await anna.sends("/checkin")
    planned = await group.bot_says(containing="Om de twee weken op dinsdag om 10:00")
    assert not any("Zoals afgesproken" in b for row in planned.buttons for b in row)


async def test_buttons_pressed_in_another_chat_change_nothing(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/checkin wekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    await anna.sends("/checkin")
    overview = await group.bot_says(containing="Wekelijks op maandag om 10:00")
    await anna.sends("/checkin nu")
    round_ = await group.bot_says(containing="Check-in ·")

    other = Group(fake, title="Ander")
    eve = other.member("Eve", admin=True, lang="nl")
    refused = NL._("This button does not belong to this chat.")
    assert await forged_press(fake, other, eve, overview.button_data("🔕 Uit"), "801") == refused
    assert await bot.repo.schedule(group.id) is not None
    assert await forged_press(fake, other, eve, round_.button_data("1️⃣ Nee"), "802") == refused
    checkin = await bot.repo.open_checkin_of(group.id)
    assert await bot.repo.checkin_answers(checkin.id) == []


async def test_a_reply_to_a_round_is_taken_by_its_prompt_kind(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/checkin nu")
    round_ = await group.bot_says(containing="Check-in ·")
    await anna.replies(round_, "Meer vrijwilligers zoeken")
    await group.bot_says(containing="genoteerd")
    prompt = await bot.repo.prompt(group.id, round_.message_id)
    checkin = await bot.repo.open_checkin_of(group.id)
    assert (prompt.kind, prompt.ref) == ("checkin", checkin.id)
    assert checkin.message_id == round_.message_id
    notes = [a.value for a in await bot.repo.checkin_answers(checkin.id) if a.question == "a"]
    assert notes == ["Meer vrijwilligers zoeken"]
