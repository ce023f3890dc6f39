"""What is recorded is exactly what each member gave (issue 13's defects, one test each)."""

from __future__ import annotations

import io

from journey import FLOW, answer, label, question, through_gate
from pypdf import PdfReader

from bot.core.outcome import tg_len
from bot.core.progress import applicable

ORGS = "Buurthuis\nVoedselbank"


async def three_members(group):
    """Anna and Bram (Buurthuis) and Carla (Voedselbank), each chose their organisation."""
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    carla = group.member("Carla", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", ORGS)
    await anna.sends("/org")
    listing = await group.bot_says(containing="Druk er hieronder op")
    for member, org in ((anna, "Buurthuis"), (bram, "Buurthuis"), (carla, "Voedselbank")):
        await group.callback_answer(await member.presses(listing, org))
    return anna, bram, carla


async def walk_to(group, member, step_id: str, start: str = "why"):
    """Press next on every question from `start` until `step_id` is asked; returns it."""
    steps = FLOW.steps
    for step in steps[[s.id for s in steps].index(start):]:
        if not applicable(step, {}):
            continue  # a conditional question nobody's answer asks for
        shown = await question(group, step.id)
        if step.id == step_id:
            return shown
        await member.presses(shown, "➡️ Volgende")
    raise AssertionError(step_id)


async def stored(bot, group, step_id: str):
    run = await bot.repo.latest_run(group.id, "process")
    orgs = {o.id: o.name for o in await bot.repo.organisations(group.id)}
    return [(a.user_name, orgs.get(a.organisation_id), a.value, a.note)
            for a in await bot.repo.answers(run.id) if a.step == step_id]


async def test_tick_boxes_are_each_members_own(bot, fake, group):
    anna, bram, carla = await three_members(group)
    practical = await walk_to(group, anna, "practical")
    step = FLOW.step("practical")
    time, budget = label(step, "time"), label(step, "budget")
    # The shared keyboard shows nobody's ticks; each member sees their own in a toast.
    labels = [label(step, c) for c in step.choices]
    assert [b for row in practical.buttons[:2] for b in row] == labels
    assert await group.callback_answer(await carla.presses(practical, time)) \
        == f"Jouw keuze: {time}. Druk op ✔️ Klaar als je keuze compleet is."
    await group.callback_answer(await carla.presses(practical, "✔️ Klaar"))
    await practical.edited(containing="✅ Voedselbank")
    toast = await group.callback_answer(await anna.presses(practical, budget))
    assert toast == f"Jouw keuze: {budget}. Druk op ✔️ Klaar als je keuze compleet is."
    # Bram ticks and unticks: his half-made choice is his, not Anna's.
    await group.callback_answer(await bram.presses(practical, time))
    assert await group.callback_answer(await bram.presses(practical, time)) \
        == "Je hebt nu niets aangevinkt."
    await anna.presses(practical, "✔️ Klaar")
    await question(group, "best_way")
    assert await stored(bot, group, "practical") == [
        ("Carla", "Voedselbank", ["time"], None), ("Anna", "Buurthuis", ["budget"], None)]


async def test_a_skipped_question_stays_open(bot, fake, group):
    anna, _, _ = await three_members(group)
    why = await question(group, "why")
    await anna.presses(why, "⏭ Overslaan")
    kind = await walk_to(group, anna, "kind", start="with_whom")
    await answer(group, anna, "kind", "activity", on=kind)
    await through_gate(group)
    summary = await group.bot_says(containing="Samenvatting · Verkennen")
    assert "Waarom samenwerken: overgeslagen, nog open" in summary.text
    still_open = summary.text.split("Nog open:")[1]
    assert "Waarom samenwerken" in still_open
    assert "Alles in deze fase is beantwoord" not in summary.text
    await anna.sends("/export")
    markdown = (await group.bot_says(containing="Markdown")).document.data.decode()
    assert "**Waarom samenwerken** (Anna, Buurthuis" in markdown and "overgeslagen" in markdown
    assert "Waarom samenwerken" in markdown.split("Nog open:")[1]
    assert "**Soort samenwerking** (Anna, Buurthuis" in markdown  # choices by their labels
    assert "⚡ Eén korte activiteit" in markdown


async def test_other_is_answered_by_its_explanation(bot, fake, group):
    anna, bram, _ = await three_members(group)
    roles = await walk_to(group, anna, "roles")
    await bram.presses(roles, label(FLOW.step("roles"), "other"))
    ask = await group.bot_says(containing="je koos “Anders”")
    assert "Bram" in ask.text
    await bram.replies(ask, "We wisselen per activiteit af")
    # The conditional "who leads" question is not asked, and the count knows it.
    success = await question(group, "success")
    assert "vraag 7 van 8" in success.text and "▰▰▰▰▰▰▰▱\n" in success.text
    assert await stored(bot, group, "roles") == [
        ("Bram", "Buurthuis", "other", "We wisselen per activiteit af")]
    await anna.presses(success, "➡️ Volgende")
    await anna.presses(await question(group, "target_group"), "➡️ Volgende")
    delen = await group.bot_says(containing="Samenvatting · Delen")
    assert "Rolverdeling: We wisselen per activiteit af" in delen.text
    await anna.sends("/afspraken")
    agreement = await group.bot_says(containing="Samenwerkingsafspraken")
    assert "Rolverdeling — We wisselen per activiteit af" in agreement.text
    pdf = await group.bot_says(containing="pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.document.data)).pages)
    assert "We wisselen per activiteit af" in text and "Anders" not in text


async def test_a_reply_during_a_pause_is_kept_with_the_right_words(bot, fake, group):
    anna, bram, _ = await three_members(group)
    why = await question(group, "why")
    await anna.presses(why, "➡️ Volgende")
    with_whom = await question(group, "with_whom")
    await bram.presses(with_whom, "⏸ Pauze")
    await group.bot_says(containing="Gepauzeerd")
    await anna.replies(with_whom, "Ze zitten om de hoek")
    said = await group.bot_says(containing="Bewaard, Anna")
    assert "pauze" in said.text and "verder" in said.text and "al verder" not in said.text
    assert await stored(bot, group, "with_whom") == [
        ("Anna", "Buurthuis", "Ze zitten om de hoek", None)]
    run = await bot.repo.latest_run(group.id, "process")
    assert (run.state, run.status) == ("with_whom", "paused")


async def test_dates_are_read_checked_and_confirmed(bot, fake, group, clock):
    anna, bram, _ = await three_members(group)  # the clock says 5 January 2026
    start = await walk_to(group, anna, "start")
    await anna.replies(start, "31-02-2027")
    assert "31 februari bestaat niet: die maand heeft 28 dagen" in (
        await group.bot_says(containing="bestaat niet")).text
    await anna.replies(start, "volgende week dinsdag na de lunch")
    await group.bot_says(containing="Dat kon ik niet als datum lezen")
    await anna.replies(start, "15-12-2025")
    doubt = await group.bot_says(containing="ligt in het verleden")
    assert "15 december 2025" in doubt.text
    assert await group.callback_answer(await bram.presses(doubt, "✅ Ja, klopt")) \
        == "Alleen wie deze datum typte, kan hierop antwoorden."
    await group.callback_answer(await anna.presses(doubt, "✏️ Nee, andere datum"))
    assert await stored(bot, group, "start") == []
    await anna.replies(start, "3 feb")
    first_action = await question(group, "first_action")
    assert await stored(bot, group, "start") == [("Anna", "Buurthuis", "2026-02-03", None)]
    await anna.presses(first_action, "➡️ Volgende")
    first_eval = await question(group, "first_eval")
    await anna.replies(first_eval, "volgende week dinsdag")  # 13 January: before the start
    doubt = await group.bot_says(containing="valt vóór “Startdatum”")
    assert "13 januari 2026" in doubt.text and "3 februari 2026" in doubt.text
    await anna.presses(doubt, "✅ Ja, klopt")
    await question(group, "celebrate")
    assert await stored(bot, group, "first_eval") == [
        ("Anna", "Buurthuis", "2026-01-13", None)]


async def test_a_long_answer_is_reported_and_can_be_completed(bot, fake, group):
    anna, bram, _ = await three_members(group)
    why = await question(group, "why")
    await anna.presses(why, "➡️ Volgende")
    with_whom = await question(group, "with_whom")
    first_part = ("Omdat we elkaar al jaren kennen. " * 130)[:4096]
    await bram.replies(with_whom, first_part)
    note = await group.bot_says(containing="lang antwoord")
    assert "4.096 tekens" in note.text and "elkaar al jaren kennen." in note.text
    assert note.reply_to_message_id is not None
    await bram.replies(note, "En de rest van mijn verhaal.")
    await group.bot_says(containing="Toegevoegd aan je antwoord op “Met wie en waarom”")
    assert await stored(bot, group, "with_whom") == [
        ("Bram", "Buurthuis", first_part + "\nEn de rest van mijn verhaal.", None)]


async def test_a_long_summary_is_split_between_items(bot, fake, group):
    anna, bram, carla = await three_members(group)
    why = await question(group, "why")
    await anna.presses(why, "➡️ Volgende")
    long_reason = "Wij delen een buurt en een doel. " * 90  # about 3,000 characters
    await answer(group, bram, "with_whom", long_reason)
    bring = await walk_to(group, anna, "bring", start="asked")
    long_offer = "Een zaal, koffie en vrijwilligers. " * 85
    await answer(group, carla, "bring", long_offer, on=bring)
    await group.bot_says(containing="Moeten nog antwoorden: Buurthuis")
    await anna.presses(bring, "➡️ Volgende")
    await anna.presses(await walk_to(group, anna, "kind", start="get"), "➡️ Volgende")
    await through_gate(group)
    parts = [await group.bot_says(containing="Samenvatting · Verkennen")]
    while "Nog open" not in parts[-1].text:
        parts.append(await group.bot_says())
    assert len(parts) >= 2 and all(tg_len(p.html) <= 4096 for p in parts)
    # Each item, with its label and every organisation's answer, stays in one message.
    assert any("Met wie en waarom" in p.text and long_reason.strip() in p.text for p in parts)
    assert any("Wat we meebrengen" in p.text and long_offer.strip() in p.text
               and "Buurthuis: nog open" in p.text for p in parts)


async def test_ticking_other_then_replying_is_that_others_explanation(bot, fake, group):
    """A member ticks ✏️ Other and types what it is before pressing Klaar: the reply is
    the explanation, with her ticks, and not refused as 'use the buttons'."""
    _anna, _bram, carla = await three_members(group)
    why = await question(group, "why")
    step = FLOW.step("why")
    await group.callback_answer(await carla.presses(why, label(step, "costs")))
    await group.callback_answer(await carla.presses(why, label(step, "other")))
    await carla.replies(why, "Samen één bus rijden")
    said = await group.bot_says(containing="Carla")
    assert "knoppen" not in said.text
    assert await stored(bot, group, "why") == [
        ("Carla", "Voedselbank", ["costs", "other"], "Samen één bus rijden")]
    assert not fake.errors, fake.errors
