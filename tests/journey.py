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


async def question(group: Group, step_id: str) -> BotMessage:
    """Wait for the question of this step (one message: header, question and buttons)."""
    step = FLOW.step(step_id)
    return await group.bot_says(containing=header(step),
                                where=lambda m: wording(step) in m.get("text", ""))


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
    elif step.kind == "choice":
        await member.presses(msg, label(step, value or step.choices[0]))
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
