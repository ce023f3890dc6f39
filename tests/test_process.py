"""Three members of two organisations go through all four phases, with a restart."""

from __future__ import annotations

from journey import FLOW, answer, label, prompt, question, through_gate

TRICKY = '<b>Samen</b> & "sterk" 💪 — שלום עולם'


async def test_the_whole_process(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    carla = group.member("Carla", lang="nl")

    await anna.sends("/proces")
    first = await question(group, "organisations")
    assert "In deze eerste fase" in first.text  # the phase's introduction comes with it
    assert "vraag 1 van 12" in first.text
    await answer(group, anna, "organisations", "Buurthuis De Linde\nVoedselbank Noord", on=first)

    # Once the partners are named, everyone says where they are from, with one press.
    ask = await group.bot_says(containing="Bij welke organisatie horen jullie")
    for member, org in ((anna, "Buurthuis De Linde"), (bram, "Buurthuis De Linde"),
                        (carla, "Voedselbank Noord")):
        query = await member.presses(ask, org)
        assert await group.callback_answer(query) == f"✅ Je antwoordt voor {org}."
    await answer(group, anna, "why", ["renew", "audience"])
    await answer(group, bram, "with_whom")
    await answer(group, carla, "asked", "together")

    # Per organisation: the step waits until both have answered.
    q = await answer(group, anna, "internal", "yes")
    await q.edited(containing="✅ Buurthuis")  # the question shows who answered
    assert "✅ Buurthuis De Linde" in q.text and "⏳ Voedselbank Noord" in q.text
    await carla.presses(q, label(FLOW.step("internal"), "partly"))
    bring = await answer(group, bram, "bring", "Een zaal en koffie")
    await group.bot_says(containing="Moeten nog antwoorden: Voedselbank Noord")
    # Back to the previous question, and forward again.
    await carla.presses(bring, "⬅️ Terug")
    await carla.presses(await question(group, "internal"), "➡️ Volgende")
    await answer(group, carla, "bring", "Vrijwilligers & een bus")
    # Only one organisation answers; someone moves on anyway.
    get = await answer(group, anna, "get", "Nieuwe bezoekers")
    await bram.presses(get, "➡️ Volgende")
    await bram.presses(await question(group, "practical"), "⏭ Overslaan")
    await answer(group, anna, "best_way", "yes")
    await answer(group, carla, "kind", "recurring")
    await through_gate(group)  # both organisations say go

    summary = await group.bot_says(containing="Samenvatting · Verkennen")
    assert "Buurthuis De Linde: Een zaal en koffie" in summary.text
    assert "Voedselbank Noord: Vrijwilligers & een bus" in summary.text
    assert "Nog open" in summary.text and "Voedselbank Noord" in summary.text
    assert "overgeslagen" in summary.text

    # Delen: the problem, a tricky answer, then a pause and a restart of the whole
    # application.
    await answer(group, carla, "problem")
    await answer(group, anna, "ambition", TRICKY)
    pause_at = await question(group, "ambition_fit")
    await bram.presses(pause_at, "⏸ Pauze")
    await group.bot_says(containing="Gepauzeerd")
    stale = await anna.presses(pause_at, "➡️ Volgende")
    assert "/proces" in (await group.callback_answer(stale) or "")

    await bot.restart()
    await carla.sends("/proces")
    await group.bot_says(containing="Welkom terug")
    fit = await answer(group, anna, "ambition_fit", 4)
    await answer(group, carla, "ambition_fit", 5, on=fit)
    await answer(group, bram, "shared_interests")
    expectations = await answer(group, anna, "expectations")
    await answer(group, carla, "expectations", on=expectations)
    await answer(group, bram, "roles", "one_leads")
    await answer(group, bram, "leader", "De Linde trekt, de Voedselbank helpt")  # conditional
    await answer(group, anna, "success")
    await answer(group, carla, "target_group")
    delen = await group.bot_says(containing="Samenvatting · Delen")
    assert "&lt;b&gt;Samen" not in delen.text and TRICKY in delen.text
    assert "&lt;b&gt;Samen&lt;/b&gt; &amp;" in delen.html

    # Overeenkomen and Uitvoeren, answered by whoever is at hand.
    people = [anna, carla, bram]
    for i, step in enumerate(FLOW.phase("overeenkomen").steps):
        if step.kind == "date":
            await answer(group, people[i % 3], step.id, "1 december 2027")
        elif step.scope == "organisation":
            shown = await answer(group, anna, step.id)
            await answer(group, carla, step.id, on=shown)
        else:
            await answer(group, people[i % 3], step.id)
    await group.bot_says(containing="Samenvatting · Overeenkomen")
    await answer(group, anna, "ready", "yes")  # asked before the start date
    await answer(group, anna, "start", "15-03-2027")
    await answer(group, bram, "first_action")
    await answer(group, carla, "first_eval", "1 juni 2027")
    await answer(group, anna, "celebrate")
    await answer(group, anna, "stop_signal")
    last = await group.bot_says(containing="Samenvatting · Uitvoeren")
    assert "15 maart 2027" in last.text and "1 juni 2027" in last.text
    done = await group.bot_says(containing="alle fases")
    assert "/afspraken" in done.text and "/checkin" in done.text  # the next steps
    await bram.sends("/proces")
    again = await group.bot_says(containing="alle fases al doorlopen")
    assert "/afspraken" in again.text and "/scan" in again.text

    # Everything is in the database with the right author and organisation.
    repo = bot.repo
    run = await repo.latest_run(group.id, "process")
    assert run.status == "done"
    stored = await repo.answers(run.id)
    orgs = {o.name: o.id for o in await repo.organisations(group.id)}
    bring = [(a.user_name, a.organisation_id, a.value) for a in stored if a.step == "bring"]
    assert bring == [("Bram", orgs["Buurthuis De Linde"], "Een zaal en koffie"),
                     ("Carla", orgs["Voedselbank Noord"], "Vrijwilligers & een bus")]
    ambition = [a for a in stored if a.step == "ambition"]
    assert ambition[0].value == TRICKY and ambition[0].user_name == "Anna"
    assert any(a.step == "practical" and a.skipped for a in stored)
    assert not any(a.step == "roles_other" for a in stored)  # its condition did not hold
    assert not fake.errors, fake.errors

    await anna.sends("/status")
    status = await group.bot_says(containing="Waar we staan")
    assert "✅ 4. Uitvoeren" in status.text


async def test_a_closed_question_stays_closed(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Club A, Club B")
    why = await question(group, "why")
    await anna.presses(why, "⏭ Overslaan")
    await question(group, "with_whom")
    query = await anna.presses(why, "➡️ Volgende")
    assert await group.callback_answer(query) == "Deze vraag is al gesloten."
    old_prompt = await prompt(group)
    assert old_prompt


async def test_the_partners_may_name_their_organisation_one_reply_each(bot, fake, group):
    """A collaboration has two or more organisations: one name is noted, and the question
    stays open for the other; the answer is the whole list."""
    anna = group.member("Anna", admin=True, lang="nl")
    carla = group.member("Carla", lang="nl")
    await anna.sends("/proces")
    first = await question(group, "organisations")
    await anna.replies(first, "Buurthuis De Linde")
    noted = await group.bot_says(containing="Genoteerd")
    assert "Buurthuis De Linde" in noted.text and "twee of meer organisaties" in noted.text
    # A reply to the same question; the name Anna gave, spelled another way, is no third
    await carla.replies(first, "Voedselbank Noord\nbuurthuis de  linde")
    await group.bot_says(containing="Bij welke organisatie horen jullie")
    await question(group, "why")
    assert [o.name for o in await bot.repo.organisations(group.id)] == [
        "Buurthuis De Linde", "Voedselbank Noord"]
    run = await bot.repo.latest_run(group.id, "process")
    kept = [a.value for a in await bot.repo.answers(run.id, "organisations")]
    assert kept[-1] == ["Buurthuis De Linde", "Voedselbank Noord"]
    assert not fake.errors, fake.errors
