"""Benchmark: Samenwerkbot on PostgreSQL, one and two webhook workers, beside the floor.

    .venv/bin/python bench/postgres.py [--updates 5000] [--fanout 10000] [--workers 1 2]

A throwaway PostgreSQL server (tests/pgserver.py: initdb into a temporary folder, a free
port on 127.0.0.1, fsync off) and the fake Bot API in this process, as bench/run.py.

1. The answer run, as bench/run.py's: 100 groups in the Do step of a PDCA round, members
   replying to its question. First the floor (the bare PTB echo bot, long polling, from
   bench/run.py); then `samenwerkbot webhook` workers on one PostgreSQL database, the
   updates posted by this process the way Telegram posts to a webhook: every update to
   the next worker in turn (round-robin), at most 40 requests open at once (Telegram's
   default max_connections), each group's updates one after another (the next once the
   previous is answered 200). Rate: updates / (last reply - first post); latency: post
   -> the bot's reply in the fake; peak RSS per worker (the server not counted).
2. The check-in fan-out: N chats whose check-in is due at the same moment, two workers
   (rate limiting on, as in production), the fake enforcing Telegram's 30 messages a
   second overall and 1 a second per chat. From the first round sent to the last, the
   429s, and whether any chat got its round twice (waiting one more tick after the last).

Speed is measured here and printed, never asserted in a test.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import socket
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
from pgserver import Server  # noqa: E402
from run import (  # noqa: E402  (the benchmark's helpers, beside this file)
    GROUPS,
    TimedFake,
    cpu_seconds,
    environment,
    measure,
    peak_rss_mb,
    progress,
    stop,
    world,
)

from bot.features.checkins.schedule import Rule  # noqa: E402
from bot.store import open_raw  # noqa: E402

SECRET = "bench-webhook-secret-0123456789"
CONNECTIONS = 40  # Telegram's default max_connections for a webhook
TICK = 30  # seconds between two check-in ticks of a worker (bot/adapters/telegram/app.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def spawn_workers(fake, url: str, count: int, **extra: str) -> list[tuple]:
    """`count` webhook workers on the database at `url`: (process, port) each, once every
    one of them has set its webhook (it listens before it does)."""
    seen = len(fake.calls("setWebhook"))
    workers = []
    for _ in range(count):
        port = free_port()
        env = environment(fake, Path("/nonexistent/unused.sqlite3"), DATABASE_URL=url,
                          PORT=str(port), WEBHOOK_URL="https://bench.example.org",
                          WEBHOOK_SECRET=SECRET, **extra)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "webhook", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        workers.append((process, port))
    try:
        await fake.wait_for(lambda: len(fake.calls("setWebhook")) - seen >= count, 60)
    except AssertionError:
        for process, _ in workers:
            await stop(process)
            print((await process.stderr.read()).decode(errors="replace")[-2000:])
        raise
    return workers


async def seed_answers(url: str, groups) -> None:
    """As bench/run.py's seed, on any store: each group in the Do step, its question
    remembered."""
    repo = await open_raw(url)
    now = datetime.now(UTC)
    try:
        async with repo.transaction() as unit:
            for chat, users, question in groups:
                await unit.ensure_chat(chat["id"], "group", chat["title"], "nl",
                                       "Europe/Amsterdam", now)
                for user in users:
                    await unit.ensure_member(chat["id"], user["id"], user["first_name"], False,
                                             now)
                run = await unit.start_run(chat["id"], "pdca", "log", now)
                await unit.add_prompt(chat["id"], question["message_id"], run.id, "log", now)
    finally:
        await repo.close()


async def answers(server: Server, workers: int, n: int, quiet: bool = False) -> dict:
    """The answer run on `workers` webhook workers sharing a new database."""
    url = server.create()
    try:
        async with TimedFake() as fake:
            groups = world(fake)
            await seed_answers(url, groups)
            procs = await spawn_workers(fake, url, workers, TELEGRAM_RATE_LIMIT="off")
            per_group: dict[int, list[dict]] = {}
            order: list[tuple[int, tuple[int, int]]] = []
            for i in range(n):
                chat, users, question = groups[i % GROUPS]
                message = fake.push_message(chat["id"], users[(i // GROUPS) % 3],
                                            f"Stap {i}: we hebben <flyers> & koffie gebracht",
                                            reply_to_message=question)
                update = fake._updates.pop()  # ours to post, not to poll
                per_group.setdefault(chat["id"], []).append(update)
                order.append((update["update_id"], (chat["id"], message["message_id"])))
            # Telegram's side of the round-robin: every update to the next worker in turn.
            target = {uid: f"http://127.0.0.1:{procs[k % workers][1]}/telegram"
                      for k, (uid, _) in enumerate(order)}
            posted: dict[int, float] = {}
            refused = Counter()
            gate = asyncio.Semaphore(CONNECTIONS)
            cpu_before = sum(cpu_seconds(p.pid) for p, _ in procs)

            async def one_group(session: aiohttp.ClientSession, updates: list[dict]) -> None:
                for update in updates:
                    while True:
                        async with gate:
                            posted.setdefault(update["update_id"], time.perf_counter())
                            async with session.post(
                                    target[update["update_id"]], json=update,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
                                status = r.status
                        if status == 200:
                            break
                        refused[status] += 1  # Telegram posts it again a little later
                        await asyncio.sleep(0.05)

            ticker = asyncio.create_task(progress(f"{workers} worker(s)",
                                                  lambda: len(fake.replied), n)
                                         if not quiet else asyncio.sleep(0))
            try:
                connector = aiohttp.TCPConnector(limit=CONNECTIONS)
                async with aiohttp.ClientSession(connector=connector) as session:
                    await asyncio.gather(*(one_group(session, updates)
                                           for updates in per_group.values()))
                await fake.wait_for(lambda: len(fake.replied) >= n, 280)
            finally:
                ticker.cancel()
            cpu = (sum(cpu_seconds(p.pid) for p, _ in procs) - cpu_before) * 1000 / n
            rss = [peak_rss_mb(p.pid) for p, _ in procs]
            for process, _ in procs:
                await stop(process)
            repo = await open_raw(url)
            try:
                stored = await repo.count("answers")
                processed = await repo.count("processed_updates")
            finally:
                await repo.close()
    finally:
        server.drop(url)
    latencies = sorted((fake.replied[key] - posted[uid]) * 1000 for uid, key in order)
    elapsed = max(fake.replied.values()) - min(posted.values())
    result = {"rate": n / elapsed, "p50": statistics.median(latencies),
              "p99": latencies[int(len(latencies) * 0.99) - 1], "rss": rss, "secs": elapsed,
              "cpu": cpu, "stored": stored, "processed": processed, "refused": refused}
    if not quiet:
        label = f"{workers} worker" + ("s" if workers > 1 else "")
        print(f"{label:>9}: {result['rate']:8.1f} updates/s   p50 {result['p50']:6.1f} ms   "
              f"p99 {result['p99']:7.1f} ms   peak RSS "
              f"{' + '.join(f'{r:.1f}' for r in rss)} MB   ({n} updates in {elapsed:.1f} s; "
              f"workers' CPU {cpu:.2f} ms/update; {stored} answers stored, {processed} "
              f"update ids{'; refused: ' + str(dict(refused)) if refused else ''})",
              flush=True)
    return result


async def due_chats(url: str, ids: list[int], due: datetime) -> None:
    repo = await open_raw(url)
    now = datetime.now(UTC)
    rule = Rule("week").to_json()
    try:
        async with repo.transaction() as unit:
            for c, chat_id in enumerate(ids):
                await unit.ensure_chat(chat_id, "group", f"Groep {c}", "nl",
                                       "Europe/Amsterdam", now)
                await unit.ensure_member(chat_id, 8_000_000 + c, "Lid", False, now)
                await unit.set_schedule(chat_id, rule, "Europe/Amsterdam", due)
    finally:
        await repo.close()


async def fanout(server: Server, count: int, workers: int = 2) -> None:
    url = server.create()
    try:
        async with TimedFake() as fake:
            fake.enable_rate_limits(per_chat=1, overall=30)
            ids = [-(5_000_000_000 + c) for c in range(count)]
            for chat_id in ids:
                fake.add_chat(chat_id, "group", "Groep")
            started = time.perf_counter()
            await due_chats(url, ids, datetime.now(UTC) - timedelta(minutes=1))
            print(f"  … {count:,} chats with a due check-in stored in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            procs = await spawn_workers(fake, url, workers)  # rate limiting on
            ready = time.perf_counter()  # the ticks run 1 s after start, then every 30 s

            def rounds() -> int:
                return fake.sent.checkins

            ticker = asyncio.create_task(progress("check-ins", rounds, count))
            gc.collect()
            gc.disable()  # as bench/run.py: no collector pause bunching the fake's stamps
            first = last = None
            try:
                await fake.wait_for(lambda: rounds() >= 1, 60)
                first = time.perf_counter()
                await fake.wait_for(lambda: rounds() >= count, count / 30 * 3 + 120)
                last = time.perf_counter()
            except AssertionError:
                print(f"  (stopped waiting: {rounds()} of {count} rounds sent)", flush=True)
                last = time.perf_counter()
            finally:
                gc.enable()
                ticker.cancel()
            await asyncio.sleep(TICK + 2)  # one more tick on each worker: nothing again
            rss = [peak_rss_mb(p.pid) for p, _ in procs]
            for process, _ in procs:
                await stop(process)
            throttled = sum(1 for _, e in fake.errors if e.get("error_code") == 429)
            per_chat = Counter(m["chat"]["id"] for m in fake.sent
                               if "Check-in ·" in m.get("text", "") and "edit_date" not in m)
    finally:
        server.drop(url)
    twice = sum(1 for n in per_chat.values() if n > 1)
    sent = len(per_chat)
    took = (last - first) if first is not None else float("nan")
    floor = (sent - 1) / 30
    print(f"check-in to {count:,} chats due at once, {workers} webhook workers: {sent:,} chats "
          f"served, {took:.1f} s from the first to the last (Telegram's 30/s makes "
          f"{floor:.1f} s the floor: {took / floor if floor else float('nan'):.2f}x; the first "
          f"went out {first - ready - 1 if first else float('nan'):.2f} s after the first "
          f"tick), 429s received: {throttled}, chats served twice: {twice}, peak RSS "
          f"{' + '.join(f'{r:.1f}' for r in rss)} MB", flush=True)


async def main(n: int, count: int, workers: list[int]) -> None:
    server = Server()
    if not server.available:
        sys.exit("PostgreSQL is not installed (apt-get install postgresql) and "
                 "TEST_DATABASE_URL is not set")
    started = time.perf_counter()
    server.start()
    print(f"Samenwerkbot on PostgreSQL: a throwaway server started in "
          f"{time.perf_counter() - started:.1f} s; {n} answer updates over {GROUPS} groups",
          flush=True)
    try:
        # First a short run of each, not counted: a fresh install compiles its .pyc files.
        await measure("warm-up", [str(ROOT / "bench" / "floor_bot.py")], 200, seeded=False,
                      quiet=True)
        await answers(server, 1, 200, quiet=True)
        floor = await measure("floor", [str(ROOT / "bench" / "floor_bot.py")], n,
                              seeded=False)
        results = {w: await answers(server, w, n) for w in workers}
        print("ratio to the floor: " + ", ".join(
            f"{w} worker{'s' if w > 1 else ''} {r['rate'] / floor['rate']:.2f}"
            for w, r in results.items()), flush=True)
        if count:
            await fanout(server, count)
    finally:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=5000, help="answers in the answer run")
    parser.add_argument("--fanout", type=int, default=10_000,
                        help="chats due at once in the fan-out (0: skip it)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="worker counts for the answer run")
    args = parser.parse_args()
    asyncio.run(main(args.updates, args.fanout, args.workers))
