"""Helpers that walk a group through the process like its members would."""

from __future__ import annotations

from fakebot.conversation import BotMessage, Group, Member

from bot.domain.flows import Flow, Step, load_all

FLOW: Flow = load_all()["process"]
TITLES = {"verkennen": "Verkennen", "delen": "Delen", "overeenkomen": "Overeenkomen",
          "uitvoeren": "Uitvoeren"}


def header(step: Step) -> str:
    phase = FLOW.phase(step.phase)
    return (f"Fase {FLOW.phase_number(phase.id)}/4 · {TITLES[phase.id]} — "
            f"vraag {phase.steps.index(step) + 1} van {len(phase.steps)}")


def is_prompt(message: dict) -> bool:
    # Telegram does not echo a ForceReply markup in the Message; the text tells.
    return message.get("text", "").startswith("✍️")


async def question(group: Group, step_id: str) -> BotMessage:
    """Wait for the question of this step; for typed answers, the reply prompt too."""
    step = FLOW.step(step_id)
    return await group.bot_says(containing=header(step), where=lambda m: not is_prompt(m))


async def prompt(group: Group, after: BotMessage | None = None) -> BotMessage:
    """The reply prompt (sent right after its question)."""
    first = after.message_id if after is not None else 0
    return await group.bot_says(where=lambda m: is_prompt(m) and m["message_id"] > first)


def label(step: Step, choice: str) -> str:
    from bot.i18n import texts
    return texts("nl").key(step.choice_key(choice))


async def answer(group: Group, member: Member, step_id: str, value: object = None, *,
                 on: BotMessage | None = None) -> BotMessage:
    """Answer the current question `step_id` as `member` would on a phone; `on` is the
    question when it was shown before (a second organisation answering)."""
    step = FLOW.step(step_id)
    msg = on or await question(group, step_id)
    if step.kind in ("text", "date", "organisations"):
        reply_prompt = on or await prompt(group, after=msg)
        text = value if value is not None else f"{member.user['first_name']} over {step_id}"
        await member.replies(reply_prompt, text)
    elif step.kind == "choice":
        await member.presses(msg, label(step, value or step.choices[0]))
    elif step.kind == "multi":
        for choice in value or step.choices[:1]:
            await member.presses(msg, next(b for row in msg.buttons for b in row
                                           if b.endswith(label(step, choice))))
            msg = await msg.edited()
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
    return await prompt(group, after=await question(group, "with_whom"))


async def join_organisations(group: Group, admin: Member, members: list[tuple[Member, str]]):
    """The admin adds the organisations; each member presses theirs."""
    for org in dict.fromkeys(org for _, org in members):
        await admin.sends(f"/org toevoegen {org}")
        await group.bot_says(containing="Toegevoegd")
    await admin.sends("/org")
    listing = await group.bot_says(containing="Partnerorganisaties")
    for member, org in members:
        await member.presses(listing, org)
        await group.bot_says(containing=f"antwoordt voor {org}")
