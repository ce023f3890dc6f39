"""Kill the bot at random moments while three members answer: nothing acknowledged is
lost, nothing is stored twice, and the group goes on where it was. On SQLite and on
PostgreSQL (a real server: see tests/pgserver.py)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys

import pytest
from fakebot.conversation import Group

from bot.core.clock import FakeClock
from bot.store import open_raw


async def spawn(fake, env) -> asyncio.subprocess.Process:
    seen = len(fake.requests)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)
    await fake.wait_for(lambda: any(m == "getupdates" for m, _ in fake.requests[seen:]), 30)
    return process


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_sigkill_at_random_moments(fake, tmp_path, kind, request):
    db = request.getfixturevalue("postgres_url") if kind == "postgresql" \
        else tmp_path / "bot.sqlite3"
    group = Group(fake, title="Samen Sterk")
    members = [group.member(name, lang="nl") for name in ("Anna", "Bram", "Carla")]
    repo = await open_raw(db)  # a group that is in the Do step of a PDCA round
    async with repo.transaction():
        now = FakeClock().now()
        await repo.ensure_chat(group.id, "group", "Samen Sterk", "nl", "Europe/Amsterdam", now)
        await repo.start_run(group.id, "pdca", "log", now)
    await repo.close()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "BOT_", "DATABASE_"))}
    env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.base_url)
    env["DATABASE_URL" if kind == "postgresql" else "DATABASE_PATH"] = str(db)

    rng = random.Random(20261125)
    process = await spawn(fake, env)
    await members[0].sends("/pdca")
    question = await group.bot_says(containing="Do")
    sent: list[int] = []
    kills = 0
    try:
        # 18 answers: with the question and its prompt that is Telegram's burst of 20
        # messages a minute in a group, so PTB's limiter never has to make us wait.
        for n in range(18):
            member = members[n % 3]
            message = await member.replies(question, f"{member.user['first_name']} deed stap {n}")
            sent.append(message["message_id"])
            if rng.random() < 0.25:
                # Let the bot get somewhere (or nowhere) with it, then pull the plug.
                seen = len(fake.requests)
                wanted = rng.randint(0, 3)
                await fake.wait_for(lambda s=seen, w=wanted: len(fake.requests) - s >= w, 10)
                process.send_signal(signal.SIGKILL)
                await process.wait()
                kills += 1
                process = await spawn(fake, env)
        # Wait until the bot has confirmed every update: it confirms only what it committed.
        await fake.wait_for(lambda: not fake.pending_updates, 30)
        acked = {m["reply_to_message"]["message_id"] for m in fake.sent
                 if m.get("reply_to_message") and "Toegevoegd" in m.get("text", "")}
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()
    assert kills >= 2

    repo = await open_raw(db)
    try:
        run = await repo.latest_run(group.id, "pdca")
        stored = [a for a in await repo.answers(run.id) if a.step == "log"]
    finally:
        await repo.close()
    ids = [a.message_id for a in stored]
    assert len(ids) == len(set(ids)), "an answer was stored twice"
    assert acked <= set(ids), "an acknowledged answer is missing"
    assert set(ids) == set(sent), "every answer arrives once the bot is back"
    assert run.state == "log" and run.status == "active"
