"""Group commit: updates fetched together are stored in one transaction and answered only
after it; one failing update costs the others nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from fakebot.conversation import Group
from journey import FLOW, header, question, to_with_whom

from bot.features.process.dialog import Dialog


async def at_a_typed_question(fake, title: str):
    """A group whose process waits for a typed answer to "with_whom"."""
    group = Group(fake, title=title)
    anna = group.member("Anna", lang="nl")
    return group, anna, await to_with_whom(group, anna)


async def stored(bot, group) -> list[str]:
    run = await bot.repo.latest_run(group.id, "process")
    return [a.value for a in await bot.repo.answers(run.id) if a.step == "with_whom"]


async def test_one_failing_update_costs_the_rest_of_its_batch_nothing(bot, fake, monkeypatch):
    groups = [await at_a_typed_question(fake, f"Groep {i}") for i in range(3)]
    record = Dialog.record

    async def fails_after_writing(self, ctx, run, step, value, **kwargs):
        outcome = await record(self, ctx, run, step, value, **kwargs)
        if value == "BOOM":
            raise RuntimeError("injected after the answer was written")
        return outcome

    monkeypatch.setattr(Dialog, "record", fails_after_writing)
    fetches = sum(1 for method, _ in fake.requests if method == "getupdates")
    # Pushed without yielding: the bot fetches all three in one getUpdates.
    for (_, anna, reply_prompt), text in zip(groups, ["Eerste", "BOOM", "Derde"],
                                             strict=True):
        await anna.replies(reply_prompt, text)
    (first, _, _), (failing, _, _), (third, _, _) = groups
    await failing.bot_says(containing="Sorry")
    for group in (first, third):
        await question(group, "asked")
    assert await stored(bot, first) == ["Eerste"]
    assert await stored(bot, third) == ["Derde"]
    assert await stored(bot, failing) == [], "the failing update's write is rolled back"
    # Redone one by one, yet nobody hears anything twice.
    for group, _, _ in groups:
        texts = [m.text for m in group.unread()]
        assert not any("Sorry" in text for text in texts), texts
        assert not any(header(FLOW.step("asked")) in text for text in texts), texts
    assert sum(1 for method, _ in fake.requests[:] if method == "getupdates") > fetches
    assert not fake.errors, fake.errors


async def test_nothing_is_said_before_its_batch_is_committed(bot, fake, settings):
    groups = [await at_a_typed_question(fake, f"Groep {i}") for i in range(3)]
    ids = {group.id for group, _, _ in groups}
    committed: list[int] = []

    class Watched(list):
        """Each message to these groups, as it reaches Telegram, checked against what
        another connection can read from the database: committed data only."""

        def append(self, item) -> None:
            name, params = item
            if name == "sendmessage" and int(params.get("chat_id", 0)) in ids:
                with closing(sqlite3.connect(settings.database_path)) as db:
                    committed.append(db.execute(
                        "SELECT COUNT(*) FROM answers WHERE chat_id = ? AND step = 'with_whom'",
                        (int(params["chat_id"]),)).fetchone()[0])
            super().append(item)

    fake.requests = Watched(fake.requests)
    for _, anna, reply_prompt in groups:
        await anna.replies(reply_prompt, "Samen")
    for group, _, _ in groups:
        await question(group, "asked")
    assert committed and all(count == 1 for count in committed), committed


async def test_a_slow_chat_holds_up_nobody_else(bot, fake):
    (slow, anna, slow_prompt), (quick, bram, quick_prompt) = [
        await at_a_typed_question(fake, title) for title in ("Traag", "Vlot")]
    release = fake.hold(slow.id)  # its messages hang, like a throttled group's
    try:
        seen = len(fake.requests)
        await anna.replies(slow_prompt, "Eerst")
        await fake.wait_for(lambda: any(m == "sendmessage" and p.get("chat_id") == slow.id
                                        for m, p in fake.requests[seen:]))
        await anna.sends("/status")  # waits for the slow chat's replies: comes after them
        await bram.replies(quick_prompt, "Intussen")
        await question(quick, "asked")
        assert not [m for m in slow.unread() if header(FLOW.step("asked")) in m.text]
    finally:
        release.set()
    asked = await question(slow, "asked")
    status = await slow.bot_says(containing="Waar we staan")
    assert status.message_id > asked.message_id
    assert await stored(bot, slow) == ["Eerst"]


async def test_a_button_is_answered_at_once_while_its_chat_waits(bot, fake):
    group, anna, reply_prompt = await at_a_typed_question(fake, "Traag")
    pick = await group.bot_says(containing="Bij welke organisatie horen jullie")
    release = fake.hold(group.id)  # answerCallbackQuery names no chat: it is not held
    try:
        await anna.replies(reply_prompt, "Samen")  # its next question hangs
        pressed = await anna.presses(pick, "Club A")
        assert await group.callback_answer(pressed) is not None
        assert not [m for m in group.unread() if header(FLOW.step("asked")) in m.text]
    finally:
        release.set()
    await question(group, "asked")
