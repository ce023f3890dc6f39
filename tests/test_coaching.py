"""Two organisations go through the whole process as an adviser would take them: each
organisation says for itself why it collaborates and how it came to it, introduces
itself, gets a follow-up question (with its tip) where its support, hands or belief is
missing, and says go, not yet or no; Delen waits for every go, goes from the problem to
the ambition (which each organisation says it recognises, or what it misses) to success;
Overeenkomen fits the kind of collaboration and covers money, decisions, the end, the
outside world and each board's approval; Uitvoeren asks whether the group is ready before
it asks for the start date. A PDCA round that works is celebrated, and a check-in that
says stop leads, through a PDCA round, to a closing evaluation."""

from __future__ import annotations

from datetime import date

import pytest
from fakebot.conversation import BotMessage
from icalendar import Calendar
from journey import (
    FLOW,
    answer,
    label,
    newest_question,
    question,
    step_of,
    three_of_two,
    wording,
)

from bot.core.flows import load_all
from bot.core.i18n import texts

PDCA = load_all()["pdca"]

NL = texts("nl")


def tip_title(tip: str) -> str:
    return NL.key(f"tip.{tip}.title")


async def two_organisations(group):
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    carla = group.member("Carla", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Buurthuis De Linde\nVoedselbank Noord")
    ask = await group.bot_says(containing="Bij welke organisatie horen jullie")
    for member, org in ((anna, "Buurthuis De Linde"), (bram, "Buurthuis De Linde"),
                        (carla, "Voedselbank Noord")):
        await group.callback_answer(await member.presses(ask, org))
    return anna, bram, carla


async def both(group, first, second, step_id, one, other, on=None):
    """Each organisation answers a per-organisation question; returns the question."""
    shown = await answer(group, first, step_id, one, on=on)
    await answer(group, second, step_id, other, on=shown)
    return shown


async def through_verkennen(group, anna, bram, carla, *, carla_goes: str,
                            kind: str = "recurring"):
    # Why, and whether it asked or was asked: each organisation for itself.
    why = await both(group, anna, carla, "why", ["renew", "audience"], ["costs"])
    assert "Buurthuis De Linde" in why.text and "Voedselbank Noord" in why.text
    await answer(group, bram, "with_whom", "Samen zijn we sterker in de wijk")
    await both(group, bram, carla, "asked", "we_asked", "were_asked")
    assert label(FLOW.step("asked"), "were_asked") == "📬 Wij werden gevraagd"
    await both(group, anna, carla, "internal", "yes", "partly")

    # Support is partial at the Voedselbank: it alone is asked what is needed, with a tip.
    needs = await question(group, "internal_needs")
    assert "⏳ Voedselbank Noord" in needs.text and "Buurthuis De Linde" not in needs.text
    query = await carla.presses(needs, "💡 Tip")
    await group.callback_answer(query)
    await group.bot_says(containing=tip_title("vp-internal"))
    await answer(group, carla, "internal_needs", "Een uitleg op de ledenavond", on=needs)

    # Kennismaken: each organisation presents itself.
    intro = await question(group, "introduce")
    assert "Kennismaken" in intro.text and "uniek" in intro.text
    await both(group, bram, carla, "introduce", "Buurthuis voor iedereen, elke dag open",
               "Wij delen wekelijks voedselpakketten uit", on=intro)
    await both(group, anna, carla, "bring", "Een zaal", "Vrijwilligers")
    await both(group, anna, carla, "get", "Nieuwe bezoekers", "Bekendheid")
    await both(group, anna, carla, "practical", ["budget"], ["hands"])
    # What is missing gets its own question, each with the tip that helps.
    for step_id, member, tip in (("hands_plan", carla, "pep-lend-volunteers"),
                                 ("budget_plan", anna, "pep-funds")):
        assert FLOW.step(step_id).tip == tip
        shown = await question(group, step_id)
        await answer(group, member, step_id, on=shown)
    await both(group, anna, carla, "best_way", "yes", "no")
    doubt = await question(group, "best_way_doubt")
    assert "⏳ Voedselbank Noord" in doubt.text
    await answer(group, carla, "best_way_doubt", "Misschien sluiten we beter aan bij de kerk",
                 on=doubt)
    await answer(group, bram, "kind", kind)
    return await both(group, anna, carla, "go", "go", carla_goes)


async def test_a_no_in_verkennen_stops_the_way_to_delen_until_it_is_resolved(bot, group):
    anna, bram, carla = await two_organisations(group)
    await through_verkennen(group, anna, bram, carla, carla_goes="no")

    # A "no": what is needed is asked of that organisation, then the group is held.
    needed = await question(group, "go_needed")
    assert "⏳ Voedselbank Noord" in needed.text and "Buurthuis" not in needed.text
    await answer(group, carla, "go_needed", "Eerst een gesprek met ons bestuur", on=needed)
    held = await group.bot_says(containing="Nog niet door naar Delen")
    assert "Buurthuis De Linde: ✅ We gaan door" in held.text
    assert "Voedselbank Noord: 🛑 Nee" in held.text
    again = await question(group, "go")  # asked again, to choose once it is resolved
    assert not [m for m in group.unread() if "Samenvatting · Verkennen" in m.text]

    # Next does not get past it; a member who is no admin cannot override it.
    await bram.presses(again, "➡️ Volgende")
    await bram.presses(await question(group, "go_needed"), "➡️ Volgende")
    await group.bot_says(containing="Nog niet door naar Delen")
    again = await question(group, "go")
    refused = await carla.presses(held, "⏩ Toch door (beheerders)")
    assert "beheerders" in (await group.callback_answer(refused) or "")
    run = await bot.repo.latest_run(group.id, "process")
    assert run.state == "go"

    # Resolved: the Voedselbank says go, and Delen starts.
    await carla.presses(again, label(FLOW.step("go"), "go"))
    summary = await group.bot_says(containing="Samenvatting · Verkennen")
    assert "Wie we zijn" in summary.text and "Wij delen wekelijks" in summary.text
    assert "Een uitleg op de ledenavond" in summary.text
    await question(group, "problem")  # Delen starts with the problem
    stored = await bot.repo.answers(run.id)
    assert [a.value for a in stored if a.step == "go"] == ["go", "no", "go"]
    needs = [(a.user_name, a.value) for a in stored if a.step == "internal_needs"]
    assert needs == [("Carla", "Een uitleg op de ledenavond")]
    orgs = {o.id: o.name for o in await bot.repo.organisations(group.id)}
    why = {orgs[a.organisation_id]: a.value for a in stored if a.step == "why"}
    assert why == {"Buurthuis De Linde": ["renew", "audience"], "Voedselbank Noord": ["costs"]}
    asked = {orgs[a.organisation_id]: a.value for a in stored if a.step == "asked"}
    assert asked == {"Buurthuis De Linde": "we_asked", "Voedselbank Noord": "were_asked"}


async def test_an_admin_can_take_the_group_on_and_it_is_recorded(bot, group):
    anna, bram, carla = await two_organisations(group)
    await through_verkennen(group, anna, bram, carla, carla_goes="not_yet")
    needed = await question(group, "go_needed")
    await bram.presses(needed, "➡️ Volgende")
    held = await group.bot_says(containing="Nog niet door naar Delen")
    assert "Voedselbank Noord: ⏳ Nog niet" in held.text
    await group.callback_answer(await anna.presses(held, "⏩ Toch door (beheerders)"))
    await group.bot_says(containing="Anna laat de groep doorgaan")
    await group.bot_says(containing="Samenvatting · Verkennen")
    await question(group, "problem")
    run = await bot.repo.latest_run(group.id, "process")
    override = [a for a in await bot.repo.answers(run.id) if a.step == "go"][-1]
    assert (override.user_name, override.organisation_id, override.note) == (
        "Anna", None, "override")


async def test_the_whole_process_with_two_organisations(bot, group):
    anna, bram, carla = await two_organisations(group)
    await through_verkennen(group, anna, bram, carla, carla_goes="go")
    await group.bot_says(containing="Samenvatting · Verkennen")

    # Delen: the problem, then the ambition, then success.
    order = [s.id for s in FLOW.phase("delen").steps]
    assert order.index("problem") < order.index("ambition") < order.index("success")
    await answer(group, anna, "problem", "Ouderen in de wijk eten vaak alleen")
    await answer(group, carla, "ambition", "Niemand in de wijk eet alleen")
    # Each organisation says whether it recognises itself in the ambition; a low score
    # asks that organisation alone what it misses, with the tip on a shared ambition.
    fit = await both(group, anna, carla, "ambition_fit", 5, 2)
    assert "1 = nauwelijks" in fit.text
    gap = await question(group, "ambition_gap")
    assert "⏳ Voedselbank Noord" in gap.text and "Buurthuis De Linde" not in gap.text
    assert FLOW.step("ambition_gap").tip == "ko-ambition"
    await answer(group, carla, "ambition_gap", "Ook de gezinnen, niet alleen ouderen", on=gap)
    shared = await answer(group, bram, "shared_interests", "Meer bezoekers voor allebei")
    assert "winnen" in shared.text
    await both(group, anna, carla, "expectations", None, None)
    await answer(group, bram, "roles", "equal")
    await answer(group, bram, "success", "Elke week 30 buren aan tafel")
    await answer(group, bram, "target_group")
    delen = await group.bot_says(containing="Samenvatting · Delen")
    assert "Herkent zich in de ambitie" in delen.text
    assert "Ook de gezinnen, niet alleen ouderen" in delen.text
    assert delen.text.index("Probleem") < delen.text.index("Gedeelde ambitie")

    # Overeenkomen, the full set of a recurring collaboration.
    given = {"money": "De Linde beheert de kas",
             "decisions": "Eerst de contactpersonen, dan de besturen",
             "outside": "Samen in de wijkkrant, met beide logo's",
             "end_date": "1 september 2028", "ending": "Een vrijwilligersteam neemt het over",
             "milestones": "Flyer klaar 1 maart 2027"}
    for step in FLOW.phase("overeenkomen").steps:
        if step.id == "frequency":  # "Anders": a list of rhythms cannot be complete
            shown = await question(group, "frequency")
            await bram.presses(shown, label(step, "other"))
            ask = await group.bot_says(containing="je koos “Anders”")
            await bram.replies(ask, "Elke derde dinsdag")
        elif step.id == "approval":
            await both(group, anna, carla, "approval", "approved", "planned")
        elif step.id == "reachable":
            await both(group, anna, carla, "reachable", "Anna, dinsdag en donderdag",
                       "Carla, doordeweeks; anders Piet")
        elif step.scope == "organisation":
            await both(group, anna, carla, step.id, None, None)
        else:
            await answer(group, bram, step.id, given.get(step.id))
    await group.bot_says(containing="Samenvatting · Overeenkomen")

    # Uitvoeren asks whether everyone is ready before it asks for a start date.
    first = FLOW.phase("uitvoeren").steps[0]
    assert first.id == "ready"
    await answer(group, anna, "ready", "no")
    await answer(group, anna, "not_ready", "De vrijwilligers moeten nog een training")
    await answer(group, anna, "start", "15-03-2027")
    await answer(group, bram, "first_action")
    await answer(group, carla, "first_eval", "1 juni 2027")
    await answer(group, anna, "celebrate")
    await answer(group, anna, "stop_signal")
    await group.bot_says(containing="Samenvatting · Uitvoeren")
    run = await bot.repo.latest_run(group.id, "process")
    assert run.status == "done"

    # The agreement has every new point, in its sections; the calendar has the end date.
    await anna.sends("/afspraken")
    said = await group.bot_says(where=lambda m: m.get("text", "").startswith("🤝"))
    for expected in ("Wie beheert het geld — De Linde beheert de kas",
                     "Besluiten\n• Eerst de contactpersonen, dan de besturen",
                     "Bereikbaar en vervanging — Voedselbank Noord: Carla, doordeweeks",
                     "Naar buiten en elkaar noemen — Samen in de wijkkrant",
                     "Hoe vaak contact — Elke derde dinsdag",
                     "Einddatum — 1 september 2028",
                     "Na het einde — Een vrijwilligersteam neemt het over",
                     "Goedkeuring door de besturen\n• Buurthuis De Linde: ✅ Goedgekeurd",
                     "• Voedselbank Noord: 📅 Staat op de agenda",
                     "Gedeelde belangen — Meer bezoekers voor allebei",
                     "Herkent zich in de ambitie (1–5) — Voedselbank Noord: 2"):
        assert expected in said.text, expected
    ics = (await group.bot_says(where=lambda m: m.get("document", {}).get(
        "file_name", "").endswith(".ics"))).document
    days = {str(e["SUMMARY"]): e.decoded("DTSTART")
            for e in Calendar.from_ical(ics.data).walk("VEVENT")}
    assert days["Einddatum van de samenwerking"] == date(2028, 9, 1)


async def asked_in(group, member, phase: str) -> list[str]:
    """Press next on every question of a phase, as a group in a hurry; returns the steps
    the phase asked, in order."""
    asked: list[str] = []
    while True:
        def new_question():
            message = newest_question(group)
            step = step_of(message) if message else None
            fresh = step is not None and (not asked or step.id != asked[-1]) and (
                FLOW.phase_number(step.phase) >= FLOW.phase_number(phase))  # reached it
            return (message, step) if fresh else None

        message, step = await group.fake.wait_for(new_question, 5.0)
        if step.phase != phase:
            return asked
        asked.append(step.id)
        await member.presses(BotMessage(group.fake, message), "➡️ Volgende")


SHORT = ["goals", "tasks", "commitment", "contact", "outside", "evaluation", "end_date",
         "approval"]
FULL = ["goals", "tasks", "commitment", "money", "decisions", "contact", "reachable",
        "channels", "outside", "milestones", "evaluation", "end_date", "ending", "handover",
        "approval"]


@pytest.mark.parametrize(("kind", "expected"), [
    ("activity", SHORT),
    ("project", FULL),
    ("recurring", [*FULL[:8], "frequency", *FULL[8:]]),  # with the check-in rhythm
])
async def test_the_kind_of_collaboration_shapes_overeenkomen(bot, group, kind, expected):
    anna, bram, carla = await two_organisations(group)
    await through_verkennen(group, anna, bram, carla, carla_goes="go", kind=kind)
    await asked_in(group, bram, "delen")
    assert await asked_in(group, bram, "overeenkomen") == expected
    await anna.sends("/afspraken")
    said = await group.bot_says(where=lambda m: m.get("text", "").startswith("🤝"))
    # Not asked, so not open either: a one-off activity's agreement has no money line.
    assert ("Wie beheert het geld" in said.text) == (kind != "activity")
    assert ("Check-ins in de groepschat" in said.text) == (kind == "recurring")
    assert "Einddatum" in said.text and "Goedkeuring bestuur" in said.text


async def pdca_question(group, step_id: str) -> BotMessage:
    step = PDCA.step(step_id)
    number = PDCA.phase_number(step.phase)
    return await group.bot_says(containing=f"Fase {number}/4",
                                where=lambda m: wording(step) in m["text"])


async def test_a_round_that_works_is_celebrated_and_a_stop_ends_with_a_look_back(
        bot, group, clock):
    anna = group.member("Anna", admin=True, lang="nl")
    carla = group.member("Carla", lang="nl")
    await anna.sends("/org toevoegen Buurthuis")
    await anna.sends("/org toevoegen Voedselbank")
    await group.bot_says(containing="Voedselbank")
    await anna.sends("/org")
    listing = await group.bot_says(containing="Partnerorganisaties")
    for member, org in ((anna, "Buurthuis"), (carla, "Voedselbank")):
        await group.callback_answer(await member.presses(listing, org))

    # A check-in where someone says stop proposes a PDCA round.
    await anna.sends("/checkin nu")
    round_ = await group.bot_says(containing="Check-in ·")
    await group.callback_answer(await carla.presses(round_, "3️⃣ ⏹ Stoppen"))
    clock.advance(days=4)
    await bot.running.tick()
    summary = await group.bot_says(containing="Samenvatting check-in")
    await anna.presses(summary, "🔄 Start een PDCA-ronde")

    # Plan, Do and Check, pressed through; Act: it works, so it is celebrated.
    for step in PDCA.steps[:PDCA.index("decision")]:
        if step.when is None:
            await anna.presses(await pdca_question(group, step.id), "➡️ Volgende")
    decision = await pdca_question(group, "decision")
    await anna.presses(decision, label_pdca("decision", "keep"))
    celebrate = await pdca_question(group, "celebrate")
    assert "vieren" in celebrate.text
    await anna.replies(celebrate, "Taart bij het volgende overleg")
    # The partners stop: a closing evaluation, what it brought each organisation first.
    together = await pdca_question(group, "continue_together")
    await anna.presses(together, label_pdca("continue_together", "stop"))
    brought = await pdca_question(group, "brought")
    assert "⏳ Buurthuis" in brought.text and "⏳ Voedselbank" in brought.text
    await anna.replies(brought, "Veertig nieuwe bezoekers")
    await carla.replies(brought, "Bekendheid in de wijk")
    hand_over = await pdca_question(group, "hand_over")
    await carla.replies(hand_over, "Het draaiboek gaat naar het wijkteam")
    another = await pdca_question(group, "another_form")
    await anna.presses(another, label_pdca("another_form", "other_form"))
    act = await group.bot_says(containing="Samenvatting · Act")
    for said in ("Taart bij het volgende overleg", "Veertig nieuwe bezoekers",
                 "Het draaiboek gaat naar het wijkteam", "In een andere vorm verder"):
        assert said in act.text, said
    run = await bot.repo.latest_run(group.id, "pdca")
    assert run.status == "done" and run.number == 1  # a stop starts no new round


async def test_plan_again_but_stop_working_together_starts_no_new_round(bot, group):
    """"Again" asks for a new round, "stop" ends the collaboration: the stop wins, with
    its look back, and no round 2 is opened."""
    anna, bram, carla = await three_of_two(group)
    await anna.sends("/pdca")
    for step in PDCA.steps[:PDCA.index("decision")]:
        if step.when is None:
            await anna.presses(await pdca_question(group, step.id), "➡️ Volgende")
    await anna.presses(await pdca_question(group, "decision"), label_pdca("decision", "again"))
    await bram.replies(await pdca_question(group, "changes"), "Kleinere groepen")
    together = await pdca_question(group, "continue_together")
    await carla.presses(together, label_pdca("continue_together", "stop"))
    brought = await pdca_question(group, "brought")
    await bram.replies(brought, "Nieuwe vrijwilligers")
    await carla.replies(brought, "Een plek in de wijk")
    await anna.replies(await pdca_question(group, "hand_over"), "De lijst gaat naar het wijkteam")
    await anna.presses(await pdca_question(group, "another_form"),
                       label_pdca("another_form", "no"))
    await group.bot_says(containing="Samenvatting · Act")
    ended = await group.bot_says(containing=NL._("🎉 You have completed every phase."))
    assert "Ronde 2" not in ended.text
    # The wrap-up's last words (thanks, the export, /vergeet), not "plan the next round".
    assert NL.key("closing.done") in ended.text and NL.key("pdca.done") not in ended.text
    run = await bot.repo.latest_run(group.id, "pdca")
    assert run.status == "done" and run.number == 1


async def test_a_paused_round_is_continued_with_its_own_command(bot, group):
    """Every pause message names the command that continues this flow (/pdca), not
    /proces."""
    anna, bram, _carla = await three_of_two(group)
    await anna.sends("/pdca")
    objective = await pdca_question(group, "objective")
    await anna.presses(objective, "⏸ Pauze")
    paused = await group.bot_says(containing="Gepauzeerd")
    assert "Stuur /pdca om verder te gaan" in paused.text
    stale = await bram.presses(objective, "➡️ Volgende")
    assert "Stuur /pdca om verder" in (await group.callback_answer(stale) or "")
    await bram.replies(objective, "Twintig bezoekers per week")
    kept = await group.bot_says(containing="Bewaard, Bram")
    assert "stuur /pdca om verder te gaan" in kept.text
    await bram.sends("/status")
    status = await group.bot_says(containing="Waar we staan")
    assert ("PDCA-ronde 1: Plan — plannen · ⏸ gepauzeerd; stuur /pdca om verder te gaan"
            in status.text)


def label_pdca(step_id: str, choice: str) -> str:
    return NL.key(PDCA.step(step_id).choice_key(choice))


def test_the_gate_is_declared_and_checked_at_load():
    flow = load_all()["process"]
    assert flow.gate is not None and flow.gate.step == "go" and flow.gate.values == ("go",)
    assert flow.step("go").phase == "verkennen" and flow.step("go").scope == "organisation"
    assert [s.id for s in flow.phase("verkennen").steps][-2:] == ["go", "go_needed"]
