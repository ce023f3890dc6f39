"""Benchmark: Samenwerkbot beside the floor PTB itself sets, against the fake Bot API.

    .venv/bin/python bench/run.py [--updates 5000]

1. Throughput and latency. A fake Telegram on 127.0.0.1; first a minimal PTB echo bot
   (the floor), then Samenwerkbot with 100 groups that are in the middle of a PDCA round,
   members replying to its question (each answer is committed before it is acknowledged).
   N updates are queued at once; each bot takes them as fast as it can.
2. Scale. Start-up time and peak memory with 10,000 chats that each have a check-in
   schedule; then 1,000 chats due at the same minute under Telegram's rate limits.

Speed is measured here and printed, never asserted in a test.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from fakebot import FakeTelegram  # noqa: E402

from bot.features.checkins.schedule import Rule  # noqa: E402
from bot.store.sqlite import SqliteStore  # noqa: E402

GROUPS = 100


class Sent(list):
    """The fake's record of sent messages, noting when each reply arrived (and counting
    check-ins as they come, so waiting never rescans the whole list)."""

    def __init__(self, replied: dict) -> None:
        super().__init__()
        self.replied = replied
        self.checkins = 0

    def append(self, item: dict) -> None:
        reply = item.get("reply_to_message")
        if reply and "edit_date" not in item:
            self.replied.setdefault((item["chat"]["id"], reply["message_id"]),
                                    time.perf_counter())
        if "Check-in ·" in item.get("text", "") and "edit_date" not in item:
            self.checkins += 1
        super().append(item)


class TimedFake(FakeTelegram):
    def __init__(self) -> None:
        super().__init__()
        self.fetched: dict[int, float] = {}
        self.replied: dict[tuple[int, int], float] = {}
        self.sent = Sent(self.replied)

    async def _get_updates(self, p: dict, gone: asyncio.Event) -> list[dict]:
        updates = await super()._get_updates(p, gone)
        now = time.perf_counter()
        for update in updates:
            self.fetched.setdefault(update["update_id"], now)
        return updates


def environment(fake: FakeTelegram, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.base_url,
               DATABASE_PATH=str(db), LOG_LEVEL="WARNING", **extra)
    return env


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def spawn(fake: FakeTelegram, args: list[str], env: dict) -> tuple:
    seen = len(fake.requests)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)
    await fake.wait_for(lambda: any(m == "getupdates" for m, _ in fake.requests[seen:]), 60)
    return process, time.perf_counter() - started


async def stop(process) -> None:
    """Stop a bot process (politely, then not)."""
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 20)
    except TimeoutError:
        process.kill()
        await process.wait()


async def progress(label: str, count, total: int) -> None:
    while True:
        await asyncio.sleep(2)
        print(f"  … {label}: {count()}/{total}", flush=True)


def world(fake: FakeTelegram) -> list[tuple[dict, list[dict], dict]]:
    """100 groups, three members each, and the bot's question in each."""
    groups = []
    for g in range(GROUPS):
        chat_id = -(4_100_000_000 + g)
        fake.add_chat(chat_id, "group", f"Groep {g}")
        users = [fake.add_user(name, user_id=7_000_000 + g * 10 + i, language_code="nl")
                 for i, name in enumerate(("Anna", "Bram", "Carla"))]
        for user in users:
            fake.set_member_status(chat_id, user["id"], "member")
        question = fake.push_message(chat_id, fake.bot_user, "Wat hebben jullie gedaan?",
                                     push=False)
        groups.append((fake.chats[chat_id].chat, users, question))
    return groups


async def seed(db: Path, groups) -> None:
    repo = await SqliteStore.open(db)
    now = datetime.now(UTC)
    async with repo.transaction():
        for chat, users, question in groups:
            await repo.ensure_chat(chat["id"], "group", chat["title"], "nl",
                                   "Europe/Amsterdam", now)
            for user in users:
                await repo.ensure_member(chat["id"], user["id"], user["first_name"], False, now)
            run = await repo.start_run(chat["id"], "pdca", "log", now)
            await repo.add_prompt(chat["id"], question["message_id"], run.id, "log", now)
    await repo.close()


async def measure(label: str, args: list[str], n: int, seeded: bool, quiet: bool = False) -> dict:
    async with TimedFake() as fake:
        groups = world(fake)
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bot.sqlite3"
            if seeded:
                await seed(db, groups)
            process, _ = await spawn(fake, args, environment(fake, db, TELEGRAM_RATE_LIMIT="off"))
            pushed: dict[int, tuple[int, int]] = {}
            for i in range(n):
                chat, users, question = groups[i % GROUPS]
                message = fake.push_message(chat["id"], users[(i // GROUPS) % 3],
                                            f"Stap {i}: we hebben <flyers> & koffie gebracht",
                                            reply_to_message=question)
                # (pending_updates copies the whole queue: read the last id directly)
                pushed[fake._updates[-1]["update_id"]] = (chat["id"], message["message_id"])
            ticker = asyncio.create_task(progress(label, lambda: len(fake.replied), n)
                                         if not quiet else asyncio.sleep(0))
            try:
                await fake.wait_for(lambda: len(fake.replied) >= n, 280)
            finally:
                ticker.cancel()
            rss = peak_rss_mb(process.pid)
            await stop(process)
    latencies = sorted((fake.replied[key] - fake.fetched[uid]) * 1000
                       for uid, key in pushed.items())
    elapsed = max(fake.replied.values()) - min(fake.fetched.values())
    result = {"rate": n / elapsed, "p50": statistics.median(latencies),
              "p99": latencies[int(len(latencies) * 0.99) - 1], "rss": rss, "secs": elapsed}
    if quiet:
        return result
    print(f"{label:>6}: {result['rate']:8.1f} updates/s   p50 {result['p50']:6.1f} ms   "
          f"p99 {result['p99']:7.1f} ms   peak RSS {result['rss']:6.1f} MB   "
          f"({n} updates in {elapsed:.1f} s)", flush=True)
    return result


async def many_chats(db: Path, count: int, due: datetime) -> None:
    repo = await SqliteStore.open(db)
    now = datetime.now(UTC)
    rule = Rule("week").to_json()
    async with repo.transaction():
        for c in range(count):
            chat_id = -(5_000_000_000 + c)
            await repo.ensure_chat(chat_id, "group", f"Groep {c}", "nl", "Europe/Amsterdam", now)
            await repo.ensure_member(chat_id, 8_000_000 + c, "Lid", False, now)
            await repo.set_schedule(chat_id, rule, "Europe/Amsterdam", due)
    await repo.close()


async def scale() -> None:
    async with FakeTelegram() as fake:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bot.sqlite3"
            await many_chats(db, 10_000, datetime.now(UTC) + timedelta(days=3))
            process, startup = await spawn(fake, ["-m", "bot", "run"], environment(fake, db))
            await asyncio.sleep(2.5)  # the first schedule tick runs at 1 s
            rss = peak_rss_mb(process.pid)
            await stop(process)
    print(f"10,000 chats with schedules: start-up {startup:.2f} s (process start to first "
          f"getUpdates), peak RSS {rss:.1f} MB", flush=True)

    async with TimedFake() as fake:
        fake.enable_rate_limits(per_chat=1, overall=30)
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bot.sqlite3"
            ids = [-(5_000_000_000 + c) for c in range(1000)]
            for chat_id in ids:
                fake.add_chat(chat_id, "group", "Groep")
            await many_chats(db, 1000, datetime.now(UTC) - timedelta(minutes=1))
            process, _ = await spawn(fake, ["-m", "bot", "run"], environment(fake, db))
            ready = time.perf_counter()  # its first getUpdates; the schedule ticks 1 s later

            def rounds() -> int:
                return fake.sent.checkins

            ticker = asyncio.create_task(progress("check-ins", rounds, 1000))
            first = None
            # The fake stamps each message when it handles it; a garbage-collector pause
            # here (this process has held thousands of messages by now) would bunch the
            # stamps as real Telegram's would not.
            gc.collect()
            gc.disable()
            try:
                await fake.wait_for(lambda: rounds() >= 1, 60)
                first = time.perf_counter()
                await fake.wait_for(lambda: rounds() >= 1000, 240)
            finally:
                gc.enable()
                ticker.cancel()
            took = time.perf_counter() - first
            lead = first - ready - 1
            await stop(process)
            throttled = sum(1 for _, e in fake.errors if e.get("error_code") == 429)
    print(f"check-in to 1,000 chats due at once: {took:.1f} s from the first to the last "
          f"(Telegram's ~30/s makes ~33 s the floor; the first went out {lead:.2f} s after "
          f"the tick), 429s received: {throttled}", flush=True)


async def main(n: int) -> None:
    print(f"Samenwerkbot benchmark: {n} answer updates over {GROUPS} groups", flush=True)
    # A first short run of each, not counted: a fresh install compiles its .pyc files then.
    for args, seeded in (([str(ROOT / "bench" / "floor_bot.py")], False),
                         (["-m", "bot", "run"], True)):
        await measure("warm-up", args, 200, seeded, quiet=True)
    floor = await measure("floor", [str(ROOT / "bench" / "floor_bot.py")], n, seeded=False)
    bot = await measure("bot", ["-m", "bot", "run"], n, seeded=True)
    await scale()
    print(f"throughput ratio bot/floor: {bot['rate'] / floor['rate']:.2f}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=5000)
    asyncio.run(main(parser.parse_args().updates))
