"""/status is one short overview with a button per phase; a closed scan can be shown again."""

from __future__ import annotations

from datetime import UTC, datetime

from fakebot.conversation import Group
from journey import FLOW, answer, question, three_of_two

from bot.core.entities import Answer, Member, Organisation
from bot.core.outcome import tg_len
from bot.core.progress import open_items

# The questions counted before any answer: those asked only after a certain answer wait.
VERKENNEN = sum(1 for s in FLOW.phase("verkennen").steps if s.when is None)


async def status_of(group, member) -> object:
    """Send /status; return its message after checking nothing else came with it."""
    await member.sends("/status")
    status = await group.bot_says(containing="Waar we staan")
    await member.sends("/help")  # a marker: everything /status said came before it
    await group.bot_says(containing="Wat ik kan")
    assert not [m for m in group.messages() if "Samenvatting" in m.get("text", "")]
    return status


async def test_before_anything_started_status_says_how_to_begin(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    status = await status_of(group, anna)
    assert "nog niet begonnen" in status.text and "/proces" in status.text
    assert status.buttons == []
    assert not fake.errors, fake.errors


async def test_status_is_one_message_with_a_button_per_phase(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Club <A>\nClub B")
    await anna.presses(await question(group, "why"), "⏭ Overslaan")
    await question(group, "with_whom")

    status = await status_of(group, anna)
    assert "🏠 Club <A>: Anna" not in status.text  # Anna has not chosen yet
    assert "🏠 Club <A>: –" in status.text and "🏠 Club B: –" in status.text
    assert f"Fase 1/4 · Verkennen — vraag 3 van {VERKENNEN}" in status.text
    # Only the organisations are answered: the skipped question is still open.
    assert f"▶️ 1. Verkennen — nog open: {VERKENNEN - 1} van {VERKENNEN}" in status.text
    assert "⏳ 2. Delen" in status.text
    assert status.buttons == [["📋 Verkennen"]]
    assert tg_len(status.text) < 1500

    query = await anna.presses(status, "📋 Verkennen")
    assert await group.callback_answer(query) == "📋 Verkennen"
    summary = await group.bot_says(containing="Samenvatting · Verkennen")
    assert "Club <A>" in summary.text and "Nog open" in summary.text
    assert not fake.errors, fake.errors


async def test_status_shows_the_check_in_and_the_last_scan(bot, fake, group):
    anna, bram, _carla = await three_of_two(group)
    await anna.sends("/checkin wekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    await anna.sends("/scan")
    await anna.presses(await group.bot_says(containing="Samenwerkingsscan"), "▶️ Start de scan")
    await group.bot_says(containing="Samenwerkingsscan #1")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Buurthuis\nVoedselbank")
    await anna.presses(await question(group, "why"), "⏸ Pauze")
    await group.bot_says(containing="Gepauzeerd")

    status = await status_of(group, bram)
    assert "🏠 Buurthuis: Anna, Bram" in status.text and "🏠 Voedselbank: Carla" in status.text
    assert f"Gepauzeerd bij fase 1/4 · Verkennen, vraag 2 van {VERKENNEN}" in status.text
    assert "Volgende check-in: maandag" in status.text
    assert "Scan #1: loopt sinds" in status.text and "/scan uitslag" in status.text
    await anna.sends("/scan uitslag")  # closes the open scan, as before
    await group.bot_says(containing="niemand vulde hem in")
    status = await status_of(group, bram)
    assert "Scan #1: gesloten op" in status.text and "/scan uitslag" in status.text


async def test_a_status_button_from_another_chat_is_refused(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Club A\nClub B")
    await question(group, "why")
    status = await status_of(group, anna)
    other = Group(fake, title="Ander")
    eve = other.member("Eve", lang="nl")
    await eve.sends("/start")
    sent = await other.bot_says()
    data = status.button_data("📋 Verkennen")
    assert data.startswith("st:") and len(data.encode()) <= 64
    forged = dict(sent.message, reply_markup={"inline_keyboard": [[
        {"text": "📋 Verkennen", "callback_data": data}]]})
    fake.push_update({"callback_query": {"id": "778", "from": eve.user, "message": forged,
                                         "chat_instance": "1", "data": data}})
    assert await other.callback_answer("778") == "Deze knop hoort niet bij deze chat."
    await eve.sends("/help")
    await other.bot_says(containing="Wat ik kan")
    assert not [m for m in other.messages() if "Samenvatting" in m.get("text", "")]


async def test_a_closed_scan_can_be_shown_again(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    await bram.sends("/scan uitslag")
    never = await group.bot_says(containing="nog geen scan")
    assert "/scan" in never.text
    await anna.sends("/scan")
    await anna.presses(await group.bot_says(containing="Samenwerkingsscan"), "▶️ Start de scan")
    scan = await group.bot_says(containing="Samenwerkingsscan #1")
    for member, values in ((anna, [5, 2, 4, 4, 3]), (bram, [3, 2, 4, 5, 3]),
                           (carla, [4, 4, 1, 3, 3])):
        for mark, value in zip(["🎯", "⚖️", "🧭", "🤝", "🏛"], values, strict=True):
            await group.callback_answer(await member.presses(scan, f"{mark} {value}"))
    first_chart = await group.bot_says(containing="Uitslag van samenwerkingsscan #1")
    first_text = await group.bot_says(containing="deelnemers")

    await bram.sends("/scan uitslag")  # anyone may look again; closing was for admins
    chart = await group.bot_says(containing="Uitslag van samenwerkingsscan #1")
    assert chart.document.data.startswith(b"\x89PNG")
    assert chart.document.data == first_chart.document.data
    again = await group.bot_says(containing="deelnemers")
    assert again.text == first_text.text
    assert "Gedeelde ambitie: 4,0" in again.text
    assert await bot.repo.latest_scan(group.id, closed=False) is None
    await anna.sends("/scan result")
    await group.bot_says(containing="Uitslag van samenwerkingsscan #1")
    assert not fake.errors, fake.errors


def test_a_skipped_question_is_open_and_counted_per_organisation():
    verkennen = FLOW.phase("verkennen")
    orgs = [Organisation(1, "Club A"), Organisation(2, "Club B")]
    members = [Member(10, "Anna", 1, False), Member(20, "Bram", 2, False)]

    def given(step, user, org, value="x", skipped=False):
        return Answer(0, step, user, "", org, None if skipped else value, skipped,
                      datetime(2026, 1, 5, tzinfo=UTC))

    answers = [given("organisations", 10, None, ["Club A", "Club B"]),
               given("why", 10, 1, skipped=True),
               given("internal", 10, 1, "yes"), given("internal", 20, 2, skipped=True),
               given("bring", 10, 1), given("bring", 20, 2)]
    items = open_items(verkennen, answers, orgs, members)
    open_steps = {step.id for step, _ in items}
    assert "why" in open_steps  # skipped: still open
    assert "organisations" not in open_steps and "bring" not in open_steps
    assert [who for step, who in items if step.id == "internal"] == ["Club B"]
    assert [who for step, who in items if step.id == "get"] == ["Club A", "Club B"]
    assert len(open_steps) == VERKENNEN - 2
