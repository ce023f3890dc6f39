"""Several `samenwerkbot webhook` workers on one PostgreSQL database: Telegram posts each
update to whichever worker its load balancer picks, and redelivers some to another.
Each chat's updates are handled in order and exactly once, different chats side by side;
the check-in tick runs on every worker, and each round is sent, reminded and closed once."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from datetime import timedelta

import httpx
from fakebot.conversation import Group

from bot import config
from bot.adapters.telegram.limiter import ResilientLimiter
from bot.adapters.telegram.runner import start_webhook
from bot.features.checkins.schedule import Rule

SECRET = "s3cret-token-for-tests_123"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
ANSWERS = 9  # per chat: three members, three answers each


def take(fake, message: dict) -> dict:
    """The update the fake queued for this message: ours to post, not to poll."""
    for update in list(fake._updates):
        sent = update.get("message") or {}
        if sent.get("message_id") == message["message_id"] and \
                sent["chat"]["id"] == message["chat"]["id"]:
            fake._updates.remove(update)
            return update
    raise AssertionError(f"no update queued for {message}")


async def test_two_workers_one_database(fake, clock, postgres_url, tmp_path):
    settings = dataclasses.replace(config.load({
        "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
        "DATABASE_URL": postgres_url, "DATABASE_PATH": str(tmp_path / "unused.sqlite3"),
    }), port=0, webhook_url="https://bot.example.org", webhook_secret=SECRET)
    workers = [await start_webhook(
        settings, clock, rate_limiter=ResilientLimiter(overall_max_rate=0, group_max_rate=0,
                                                       backoff=0.01),
        tick_seconds=None, host="127.0.0.1") for _ in range(2)]
    urls = [f"http://127.0.0.1:{w.port}/telegram" for w in workers]
    repo = workers[0].repo
    groups = [Group(fake, title=f"Groep {n}") for n in range(3)]
    posted: set[int] = set()
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            async def post(worker: int, update: dict) -> None:
                response = await client.post(urls[worker], json=update, headers=HEADERS)
                assert response.status_code == 200, response.text
                posted.add(update["update_id"])

            for group in groups:  # each group in the Do step of a PDCA round
                async with repo.transaction() as unit:
                    await unit.ensure_chat(group.id, "group", "Samen", "nl",
                                           "Europe/Amsterdam", clock.now())
                    await unit.start_run(group.id, "pdca", "log", clock.now())

            async def one_chat(group: Group, first: int) -> list[int]:
                members = [group.member(n, lang="nl") for n in ("Anna", "Bram", "Carla")]
                await post(first, take(fake, await members[0].sends("/pdca")))
                question = await group.bot_says(containing="Do")
                sent = []
                worker = itertools.cycle((first, 1 - first))  # the first reply where the
                for n in range(ANSWERS):                       # question was remembered
                    member = members[n % 3]
                    message = await member.replies(question, f"{member.user['first_name']} {n}")
                    update = take(fake, message)
                    if n % 3 == 1:  # redelivered to the other worker at the same moment
                        await asyncio.gather(post(0, update), post(1, update))
                    else:
                        await post(next(worker), update)
                    sent.append(message["message_id"])
                return sent

            sent = await asyncio.gather(*(one_chat(g, n % 2) for n, g in enumerate(groups)))
            for group, ids in zip(groups, sent, strict=True):
                acked = await fake.wait_for(lambda g=group, i=ids: len(
                    [m for m in fake.sent if m.get("reply_to_message")
                     and m["chat"]["id"] == g.id and "Toegevoegd" in m.get("text", "")]
                ) >= len(i) and [m["reply_to_message"]["message_id"] for m in fake.sent
                                 if m.get("reply_to_message") and m["chat"]["id"] == g.id
                                 and "Toegevoegd" in m.get("text", "")], 30)
                assert sorted(acked) == sorted(ids), "every answer acknowledged once"
                run = await repo.latest_run(group.id, "pdca")
                stored = [a.message_id for a in await repo.answers(run.id, "log")]
                assert stored == ids, "in order, each once"
            assert await repo.count("processed_updates") == len(posted)

            # The tick runs on both workers at once: one round per chat.
            async with repo.transaction() as unit:
                for group in groups:
                    await unit.set_schedule(group.id, Rule("week").to_json(),
                                            "Europe/Amsterdam", clock.now() - timedelta(minutes=1))

            def said(group: Group, text: str) -> int:
                return len([m for m in group.messages() if text in m.get("text", "")])

            for moment, text in ((timedelta(0), "Check-in ·"),
                                 (timedelta(hours=25), "staat nog open"),
                                 (timedelta(hours=48), "Samenvatting check-in")):
                clock.advance(seconds=moment.total_seconds())
                counts = await asyncio.gather(workers[0].tick(), workers[1].tick())
                assert sum(counts) == len(groups), (text, counts)
                assert await asyncio.gather(workers[1].tick(), workers[0].tick()) == [0, 0]
                assert [said(g, text) for g in groups] == [1] * len(groups), text
            for group in groups:
                assert await repo.count("checkins", group.id) == 1
    finally:
        for worker in workers:
            await worker.stop()
