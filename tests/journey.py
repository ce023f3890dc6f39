"""Helpers that walk a group through the process like its members would."""

from __future__ import annotations

import html
import re

from fakebot.conversation import BotMessage, Group, Member

from bot.core.flows import Flow, Step, load_all
from bot.core.i18n import texts

FLOW: Flow = load_all()["process"]
TITLES = {"verkennen": "Verkennen", "delen": "Delen", "overeenkomen": "Overeenkomen",
          "uitvoeren": "Uitvoeren"}


def header(step: Step) -> str:
    """The start of a question's header (its number depends on the answers so far)."""
    phase = FLOW.phase(step.phase)
    return f"Fase {FLOW.phase_number(phase.id)}/4 · {TITLES[phase.id]} — vraag"


def wording(step: Step) -> str:
    """The question as a member reads it (the catalog text without its tags)."""
    return html.unescape(re.sub(r"<[^>]+>", "", texts("nl").key(step.key)))


def asks_typing(message: dict) -> bool:
    # A question answered by typing says how: a reply in a group, typing in private.
    text = message.get("text", "")
    return "↩️ Antwoord met een reply" in text or "✍️ Typ je antwoord" in text


# Steps a test may go past without answering them: the Verkennen steps each organisation
# answers for itself, the decision points and Kennismaken; in Delen the problem before the
# ambition, each organisation's recognition of it and the shared interests; the
# Overeenkomen steps on money, decisions, reachability, the outside world, the end and
# the boards' approval; and "ready" before the start. Waiting for a later question, the
# helpers press *next* on these, and at the go / not yet / no gate every member says go,
# as a group in a hurry would. A test that wants them answers them itself
# (tests/test_coaching.py).
PASSABLE = {"why", "asked", "internal_needs", "introduce", "time_plan", "hands_plan",
            "budget_plan", "best_way", "best_way_doubt", "go", "go_needed", "problem",
            "ambition_fit", "ambition_gap", "shared_interests", "money", "decisions",
            "reachable", "outside", "end_date", "ending", "approval", "ready", "not_ready"}


def step_of(message: dict) -> Step | None:
    """The step a question message asks (None: not a question of the process)."""
    text = message.get("text", "")
    found = [s for s in FLOW.steps if header(s) in text and wording(s) in text]
    return max(found, key=lambda s: len(wording(s)), default=None)


def members_of(group: Group) -> list[Member]:
    state = group.fake.chats[group.id]
    return [Member(group.fake, group.fake.users[uid], group) for uid, status in
            state.members.items() if uid in group.fake.users
            and status in ("creator", "administrator", "member")]


async def go_past(group: Group, step: Step, message: dict, button: str) -> None:
    msg = BotMessage(group.fake, message)
    people = members_of(group)
    if step.id != "go" or button != "➡️ Volgende":
        await group.callback_answer(await people[0].presses(msg, button))
        return
    for member in people:  # each says go for their organisation, until the step is done
        if step_of(newest_question(group) or {}) is not step or "⏳" not in msg.text:
            return
        await group.callback_answer(await member.presses(msg, label(step, "go")))


def newest_question(group: Group) -> dict | None:
    found = [m for m in group.messages() if m.get("from", {}).get("is_bot")
             and "— vraag " in m.get("text", "")]
    return max(found, key=lambda m: m["message_id"]) if found else None


async def question(group: Group, step_id: str) -> BotMessage:
    """Wait for the question of this step (one message: header, question and buttons),
    going past the PASSABLE steps before it that the group is still at."""
    step = FLOW.step(step_id)
    handled: set[tuple[int, int]] = set()

    def find() -> tuple[str, dict] | None:
        for m in group.unread():
            if header(step) in m.sent.get("text", "") and wording(step) in m.sent.get("text", ""):
                return "target", m.sent
        newest = newest_question(group)
        at = step_of(newest) if newest else None
        if (at is not None and at.id in PASSABLE and at is not step
                and (newest["message_id"], group.fake.chats[group.id].messages[
                    newest["message_id"]].edits) not in handled):
            # Going on past it, or (the test pressed back) back past it.
            return "➡️ Volgende" if FLOW.index(at.id) < FLOW.index(step_id) else "⬅️ Terug", newest
        return None

    while True:
        what, message = await group.fake.wait_for(find, 5.0)
        if what == "target":
            wanted = message["message_id"]
            return await group.bot_says(containing=header(step),
                                        where=lambda m, n=wanted: m["message_id"] == n)
        stored = group.fake.chats[group.id].messages[message["message_id"]]
        handled.add((message["message_id"], stored.edits))
        await go_past(group, step_of(message), message, what)


async def prompt(group: Group, after: BotMessage | None = None) -> BotMessage:
    """The message a typed answer replies to: the question itself (`after`), or else
    the newest question in the chat that asks for typing."""
    if after is not None:
        return after

    def newest() -> dict | None:
        found = [m for m in group.messages() if m.get("from", {}).get("is_bot") and asks_typing(m)]
        return max(found, key=lambda m: m["message_id"]) if found else None

    return BotMessage(group.fake, await group.fake.wait_for(newest, 5.0))


def label(step: Step, choice: str) -> str:
    from bot.core.i18n import texts
    return texts("nl").key(step.choice_key(choice))


async def answer(group: Group, member: Member, step_id: str, value: object = None, *,
                 on: BotMessage | None = None) -> BotMessage:
    """Answer the current question `step_id` as `member` would on a phone; `on` is the
    question when it was shown before (a second organisation answering)."""
    step = FLOW.step(step_id)
    msg = on or await question(group, step_id)
    if step.kind in ("text", "date", "organisations"):
        reply_prompt = msg
        text = value if value is not None else f"{member.user['first_name']} over {step_id}"
        await member.replies(reply_prompt, text)
    elif step.kind == "choice":  # the toast says the press was handled
        pressed = await member.presses(msg, label(step, value or step.choices[0]))
        await group.callback_answer(pressed)
    elif step.kind == "multi":
        for choice in value or step.choices[:1]:
            query = await member.presses(msg, next(b for row in msg.buttons for b in row
                                                   if b.endswith(label(step, choice))))
            await group.callback_answer(query)  # a toast shows the member's own choice
        await member.presses(msg, "✔️ Klaar")
    elif step.kind == "yesno":
        await member.presses(msg, "👍 Ja" if (value or "yes") == "yes" else "👎 Nee")
    elif step.kind == "scale":
        await member.presses(msg, str(value or 3))
    return msg


async def to_with_whom(group: Group, member: Member) -> BotMessage:
    """Start the process and answer the first two questions: the group waits for a typed
    answer to "with_whom"; returns its reply prompt."""
    await member.sends("/proces")
    await answer(group, member, "organisations", "Club A\nClub B")
    await answer(group, member, "why", ["renew"])
    return await question(group, "with_whom")


async def join_organisations(group: Group, admin: Member, members: list[tuple[Member, str]]):
    """The admin adds the organisations; each member presses theirs."""
    for org in dict.fromkeys(org for _, org in members):
        await admin.sends(f"/org toevoegen {org}")
        await group.bot_says(containing="Toegevoegd")
    await admin.sends("/org")
    listing = await group.bot_says(containing="Partnerorganisaties")
    for member, org in members:
        query = await member.presses(listing, org)
        assert await group.callback_answer(query) == f"✅ Je antwoordt voor {org}."


async def through_gate(group: Group) -> None:
    """Every member says go at the end of Verkennen (when a test waits for what follows,
    such as the phase's summary, rather than for the next question)."""
    step = FLOW.step(FLOW.gate.step)
    message = await group.fake.wait_for(
        lambda: (m := newest_question(group)) is not None and step_of(m) is step and m, 5.0)
    await go_past(group, step, message, "➡️ Volgende")


async def three_of_two(group: Group):
    """Anna (admin) and Bram of the Buurthuis, Carla of the Voedselbank: three members of
    two organisations, each pressed into theirs."""
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    carla = group.member("Carla", lang="nl")
    await join_organisations(group, anna, [(anna, "Buurthuis"), (bram, "Buurthuis"),
                                           (carla, "Voedselbank")])
    return anna, bram, carla
