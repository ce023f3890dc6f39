"""Wrapping up a collaboration (issue 17, item 6): a check-in where someone chose stop
offers to look back together, straight away, without a PDCA round first. Each
organisation says what the collaboration brought it; the group says what it hands over
and to whom, whether it goes on in another form (and which), and what it celebrates and
whom it thanks. The summary, the export and /status carry it; a round without a stop
does not offer it."""

from __future__ import annotations

import html
import re

from fakebot.conversation import BotMessage
from journey import three_of_two

from bot.core.flows import load_all
from bot.core.i18n import texts

CLOSING = load_all()["closing"]
NL = texts("nl")
WRAP_UP = NL._("🏁 Wrap up: look back together")


def plain(text: str) -> str:
    """A catalog text as a member reads it (without its tags)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def label(step_id: str, choice: str) -> str:
    return NL.key(CLOSING.step(step_id).choice_key(choice))


async def closing_question(group, step_id: str) -> BotMessage:
    """The question of this step of the closing flow (header and wording)."""
    step = CLOSING.step(step_id)
    wording = plain(NL.key(step.key))
    return await group.bot_says(containing="Fase 1/1 · Afronden — vraag",
                                where=lambda m: wording in m["text"])



async def round_with(group, bot, clock, votes) -> BotMessage:
    """A check-in now; each (member, label) is pressed; the round closes at its deadline
    and its summary is returned."""
    await votes[0][0].sends("/checkin nu")
    round_ = await group.bot_says(containing="Check-in ·")
    for member, pressed in votes:
        await group.callback_answer(await member.presses(round_, pressed))
    clock.advance(days=4)
    await bot.running.tick()
    return await group.bot_says(containing="Samenvatting check-in")


def labels(message: BotMessage) -> list[str]:
    return [b for row in message.buttons for b in row]


async def test_a_stop_leads_straight_to_wrapping_up_per_organisation(bot, fake, group, clock):
    anna, bram, carla = await three_of_two(group)
    summary = await round_with(group, bot, clock, [(carla, "3️⃣ ⏹ Stoppen"),
                                                   (anna, "3️⃣ ▶️ Doorgaan")])
    assert WRAP_UP in labels(summary)
    assert "🔄 Start een PDCA-ronde" in labels(summary)  # the other steps stay on offer
    assert "Niet iedereen zit op dezelfde lijn" in summary.text

    # Pressed: the closing flow starts, its introduction above the first question.
    await group.callback_answer(await bram.presses(summary, WRAP_UP))
    brought = await closing_question(group, "brought")
    assert "🧭 Fase 1/1 · Afronden" in brought.text
    assert plain(NL.key("closing.afronden.intro")) in brought.text
    assert "⏳ Buurthuis" in brought.text and "⏳ Voedselbank" in brought.text
    assert "💡 Tip" in labels(brought)

    # What it brought: each organisation for itself; one answer does not move the group.
    await bram.replies(brought, "Veertig nieuwe bezoekers op de inloop")
    await group.bot_says(containing="Moeten nog antwoorden: Voedselbank")
    await carla.replies(brought, "Bekendheid in de wijk & <nieuwe> vrijwilligers")

    # What is handed over, with the knowledge-transfer tip.
    hand_over = await closing_question(group, "hand_over")
    assert CLOSING.step("hand_over").tip == "mv-knowledge"
    await group.callback_answer(await anna.presses(hand_over, "💡 Tip"))
    await group.bot_says(containing=NL.key("tip.mv-knowledge.title"))
    await carla.replies(hand_over, "Het draaiboek gaat naar het wijkteam")

    # Going on in another form: which one.
    another = await closing_question(group, "another_form")
    await anna.presses(another, label("another_form", "other_form"))
    new_form = await closing_question(group, "new_form")
    await carla.replies(new_form, "Eén buurtmaaltijd per jaar, Anna houdt contact")

    # What to celebrate and whom to thank: everyone adds, Next ends the look back.
    celebrate = await closing_question(group, "celebrate")
    await anna.replies(celebrate, "Taart voor de vrijwilligers")
    await group.bot_says(containing="Toegevoegd, Anna")
    await carla.replies(celebrate, "Dank aan Bram voor de zaal")
    await group.bot_says(containing="Toegevoegd, Carla")
    await bram.presses(celebrate, "➡️ Volgende")

    done = await group.bot_says(containing="Samenvatting · Afronden")
    for said in ("Buurthuis: Veertig nieuwe bezoekers op de inloop",
                 "Voedselbank: Bekendheid in de wijk & <nieuwe> vrijwilligers",
                 "Het draaiboek gaat naar het wijkteam", "🔀 Ja, in een andere vorm",
                 "Eén buurtmaaltijd per jaar", "Anna: Taart voor de vrijwilligers",
                 "Carla: Dank aan Bram voor de zaal", "Alles in deze fase is beantwoord"):
        assert said in done.text, said
    assert texts("en").has("closing.done")
    await group.bot_says(containing="Dank jullie wel voor de samenwerking")

    # Recorded per organisation, and the run is finished.
    run = await bot.repo.latest_run(group.id, "closing")
    assert run.status == "done"
    orgs = {o.id: o.name for o in await bot.repo.organisations(group.id)}
    per_org = {orgs[a.organisation_id]: a.value for a in await bot.repo.answers(run.id, "brought")}
    assert per_org == {"Buurthuis": "Veertig nieuwe bezoekers op de inloop",
                       "Voedselbank": "Bekendheid in de wijk & <nieuwe> vrijwilligers"}
    assert await bot.repo.latest_run(group.id, "pdca") is None  # no PDCA round on the way

    # Pressing the button again does not start it over.
    await anna.presses(summary, WRAP_UP)
    await group.bot_says(containing=NL._("✅ You have already been through every phase."))

    # The export carries the look back, by label and organisation.
    await anna.sends("/export")
    markdown = (await group.bot_says(containing="Markdown")).document.data.decode()
    assert "## Afronden: samen terugkijken #1" in markdown
    assert "**Wat het ons opleverde** (Bram, Buurthuis" in markdown
    assert "**Verder in een andere vorm** (Anna, Buurthuis" in markdown
    assert "Ja, in een andere vorm" in markdown and "other_form" not in markdown

    # /status still gives its overview with a finished look back in the chat.
    await anna.sends("/status")
    status = await group.bot_says(containing="Waar we staan")
    assert "🏁 Afronden: samen terugkijken: afgerond" in status.text
    assert not fake.errors, fake.errors


async def test_when_everyone_stops_the_summary_says_so(bot, fake, group, clock):
    anna, _, carla = await three_of_two(group)
    summary = await round_with(group, bot, clock, [(carla, "3️⃣ ⏹ Stoppen"),
                                                   (anna, "3️⃣ ⏹ Stoppen")])
    assert labels(summary)[-1] == WRAP_UP
    said = plain(NL._("👉 <b>A next step?</b> You all chose to stop. Look back together "
                      "before you part, or choose another step:"))
    assert said in summary.text
    assert "Niet iedereen zit op dezelfde lijn" not in summary.text


async def test_a_round_without_a_stop_does_not_offer_wrapping_up(bot, fake, group, clock):
    anna, _, carla = await three_of_two(group)
    worrying = await round_with(group, bot, clock, [(carla, "3️⃣ 🔧 Bijsturen"),
                                                    (anna, "1️⃣ Nee")])
    assert "🔄 Start een PDCA-ronde" in labels(worrying)  # a next step, but not this one
    assert WRAP_UP not in labels(worrying)

    fine = await round_with(group, bot, clock, [(anna, "3️⃣ ▶️ Doorgaan"),
                                                (carla, "3️⃣ ▶️ Doorgaan")])
    assert not fine.buttons
    assert await bot.repo.latest_run(group.id, "closing") is None
    assert not fake.errors, fake.errors


async def test_afronden_starts_wrapping_up_without_a_checkin(bot, fake, group):
    anna, bram, _ = await three_of_two(group)
    await bram.sends("/afronden")
    brought = await closing_question(group, "brought")
    assert "⏳ Buurthuis" in brought.text and "⏳ Voedselbank" in brought.text
    await anna.sends("/wrapup@samenwerk_test_bot")  # the English name works in a Dutch chat too
    again = await closing_question(group, "brought")  # asked again where the group is
    assert again.message_id != brought.message_id
    assert (await bot.repo.latest_run(group.id, "closing")).number == 1
    assert not fake.errors, fake.errors
