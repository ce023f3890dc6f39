"""Two organisations go through the whole process as an adviser would take them: each
organisation answers for itself in Verkennen, introduces itself, gets a follow-up question
(with its tip) where its support, hands or belief is missing, and says go, not yet or
no; Delen waits for every go, and Uitvoeren asks whether the group is ready before it
asks for the start date."""

from __future__ import annotations

from journey import FLOW, answer, label, question

from bot.core.flows import load_all
from bot.core.i18n import texts

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


async def through_verkennen(group, anna, bram, carla, *, carla_goes: str):
    await answer(group, anna, "why", ["renew", "audience"])
    await answer(group, bram, "with_whom", "Samen zijn we sterker in de wijk")
    await answer(group, carla, "asked", "were_asked")
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
    await answer(group, bram, "kind", "recurring")
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
    await question(group, "ambition")
    stored = await bot.repo.answers(run.id)
    assert [a.value for a in stored if a.step == "go"] == ["go", "no", "go"]
    needs = [(a.user_name, a.value) for a in stored if a.step == "internal_needs"]
    assert needs == [("Carla", "Een uitleg op de ledenavond")]


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
    await question(group, "ambition")
    run = await bot.repo.latest_run(group.id, "process")
    override = [a for a in await bot.repo.answers(run.id) if a.step == "go"][-1]
    assert (override.user_name, override.organisation_id, override.note) == (
        "Anna", None, "override")


async def test_the_whole_process_with_two_organisations(bot, group):
    anna, bram, carla = await two_organisations(group)
    await through_verkennen(group, anna, bram, carla, carla_goes="go")
    await group.bot_says(containing="Samenvatting · Verkennen")
    for phase in ("delen", "overeenkomen"):
        for step in FLOW.phase(phase).steps:
            if step.when is not None:
                continue
            if step.scope == "organisation":
                await both(group, anna, carla, step.id, None, None)
            else:
                await answer(group, bram, step.id)
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


def test_the_gate_is_declared_and_checked_at_load():
    flow = load_all()["process"]
    assert flow.gate is not None and flow.gate.step == "go" and flow.gate.values == ("go",)
    assert flow.step("go").phase == "verkennen" and flow.step("go").scope == "organisation"
    assert [s.id for s in flow.phase("verkennen").steps][-2:] == ["go", "go_needed"]
