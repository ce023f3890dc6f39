"""A member's own data, retention, and answers encrypted at rest."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys

from cryptography.fernet import Fernet
from fakebot.conversation import Group
from journey import answer, question

from bot import config
from bot.core.clock import FakeClock
from bot.store import open_store


async def test_mydata_and_forgetme(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Club A\nClub B")
    await answer(group, bram, "why", ["renew"])
    await answer(group, bram, "with_whom", "Met <de buren>")
    await question(group, "asked")
    await bram.sends("/mydata")
    await group.bot_says(containing="privéchat")
    private = fake.private_chat(bram.user)
    await private.sends("/mydata")
    mine = await private.bot_says(containing="Wat ik over jou bewaar")
    assert "Samen Sterk" in mine.text and "Met <de buren>" in mine.text
    assert "Club A" not in mine.text or "Partnerorganisaties" not in mine.text
    await private.sends("/vergeetmij")
    confirm = await private.bot_says(containing="Jou vergeten?")
    await private.user.presses(confirm, "🗑 Ja, vergeet mij")
    await confirm.edited(containing="Klaar")
    assert await bot.repo.member(group.id, bram.id) is None
    run = await bot.repo.latest_run(group.id, "process")
    kept = [(a.user_id, a.user_name, a.value) for a in await bot.repo.answers(run.id)
            if a.step in ("why", "with_whom")]
    assert kept == [(0, "", ["renew"]), (0, "", "Met <de buren>")]
    await anna.sends("/status")
    await anna.presses(await group.bot_says(containing="Waar we staan"), "📋 Verkennen")
    summary = await group.bot_says(containing="Samenvatting · Verkennen")
    assert "vroeg om vergeten te worden" in summary.text
    assert "Bram" not in summary.text


def forged(fake, chat, member, data: str, query_id: str) -> None:
    """A press of a button with this data, on a message of another chat."""
    message = dict(chat.messages()[-1], reply_markup={"inline_keyboard": [[
        {"text": "🗑", "callback_data": data}]]})
    fake.push_update({"callback_query": {"id": query_id, "from": member.user,
                                         "message": message, "chat_instance": "1",
                                         "data": data}})


async def test_a_forget_confirmation_is_bound_to_its_chat_and_expires(bot, fake, group, clock):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Club A\nClub B")
    await anna.sends("/vergeet")
    confirm = await group.bot_says(containing="Alles wissen?")
    data = confirm.button_data("🗑 Ja, wis alles")
    assert data.startswith(f"fg:{group.id}:") and len(data.encode()) <= 64

    other = Group(fake, title="Ander")
    eve = other.member("Eve", admin=True, lang="nl")
    await eve.sends("/start")
    await other.bot_says()
    forged(fake, other, eve, data, "881")  # an admin elsewhere replays it: refused
    assert await other.callback_answer("881") == "Deze knop hoort niet bij deze chat."
    assert await bot.repo.chat(group.id) is not None
    assert await bot.repo.count("organisations", group.id) == 2

    clock.advance(minutes=16)  # too late, even here and by an admin
    late = await anna.presses(confirm, "🗑 Ja, wis alles")
    assert await group.callback_answer(late) == "Deze knop werkt niet meer."
    assert await bot.repo.count("organisations", group.id) == 2

    await anna.sends("/vergeet")  # a fresh one works
    confirm = await group.bot_says(containing="Alles wissen?")
    clock.advance(minutes=14)
    await anna.presses(confirm, "🗑 Ja, wis alles")
    await confirm.edited(containing="gewist")
    assert await bot.repo.count("organisations", group.id) == 0


async def test_a_forgetme_button_only_works_in_its_own_private_chat(bot, fake, group):
    bram = group.member("Bram", lang="nl")
    eve = group.member("Eve", lang="nl")
    await bram.sends("/org")
    await group.bot_says()
    await eve.sends("/org")
    await group.bot_says()
    mine = fake.private_chat(bram.user)
    await mine.sends("/vergeetmij")
    confirm = await mine.bot_says(containing="Jou vergeten?")
    data = confirm.button_data("🗑 Ja, vergeet mij")
    assert data.startswith(f"fm:{bram.id}:")
    theirs = fake.private_chat(eve.user)
    await theirs.sends("/privacy")
    await theirs.bot_says(containing="730")
    forged(fake, theirs, theirs.user, data, "882")
    assert await theirs.callback_answer("882") == "Deze knop hoort niet bij deze chat."
    assert await bot.repo.member(group.id, eve.id) is not None



async def test_a_forgetme_confirmation_expires(bot, fake, group, clock):
    bram = group.member("Bram", lang="nl")
    await bram.sends("/org")
    await group.bot_says()
    mine = fake.private_chat(bram.user)
    await mine.sends("/vergeetmij")
    confirm = await mine.bot_says(containing="Jou vergeten?")
    clock.advance(minutes=16)  # left lying around: no longer a yes
    late = await mine.user.presses(confirm, "🗑 Ja, vergeet mij")
    assert await mine.callback_answer(late) == "Deze knop werkt niet meer."
    assert await bot.repo.member(group.id, bram.id) is not None


async def test_unused_chats_are_warned_then_deleted(bot, fake, group, clock):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/org")
    await group.bot_says()
    clock.advance(days=701)  # a month before the 730 days are up
    assert await bot.running.tick() == 1
    warning = await group.bot_says(containing="wis ik alles van deze chat")
    assert "2028" in warning.text
    clock.advance(days=1)
    assert await bot.running.tick() == 0  # warned once
    await anna.sends("/status")  # someone uses it: the clock starts again
    await group.bot_says(containing="Waar we staan")
    clock.advance(days=729)
    assert await bot.running.tick() == 1  # a new warning, not a deletion
    await group.bot_says(containing="wis ik alles")
    clock.advance(days=2)
    await bot.running.tick()
    assert await bot.repo.chat(group.id) is None
    assert await bot.repo.count("members", group.id) == 0


async def test_free_text_is_encrypted_at_rest(tmp_path):
    key = Fernet.generate_key().decode()
    path = tmp_path / "db.sqlite3"
    clock = FakeClock()
    repo = await open_store(path, key)
    try:
        async with repo.transaction():
            await repo.ensure_chat(-1, "group", "G", "nl", "Europe/Amsterdam", clock.now())
            run = await repo.start_run(-1, "process", "with_whom", clock.now())
            await repo.add_answer(run.id, -1, "with_whom", 7, "Anna", None,
                                  "Ons geheim plan 🤫", clock.now())
        assert [a.value for a in await repo.answers(run.id)] == ["Ons geheim plan 🤫"]
    finally:
        await repo.close()
    raw = sqlite3.connect(path).execute("SELECT value FROM answers").fetchone()[0]
    assert json.loads(raw).startswith("gAAAA") and "geheim" not in raw
    assert b"geheim" not in path.read_bytes()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["DATABASE_PATH"] = str(path)
    for wrong in ({}, {"BOT_DATA_KEY": Fernet.generate_key().decode()}):
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "console", env={**env, **wrong},
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(process.communicate(b"/quit\n"), 60)
        assert process.returncode == 2, err
        assert "BOT_DATA_KEY" in err.decode() and len(err.decode().splitlines()) == 1
    try:
        config.load({"BOT_DATA_KEY": "not-a-key", "DATABASE_PATH": str(path)})
    except config.ConfigError as error:
        assert "Fernet" in str(error)
    else:
        raise AssertionError("a malformed key was accepted")
