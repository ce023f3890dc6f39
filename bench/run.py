"""Benchmark: Samenwerkbot beside the floor PTB itself sets, against the fake Bot API.

    .venv/bin/python bench/run.py [--updates 5000] [--mixed 5000] [--alone 1000]
                                  [--chats 10000 100000]

1. The answer run. A fake Telegram on 127.0.0.1; first a minimal PTB echo bot (the
   floor), then Samenwerkbot with 100 groups that are in the middle of a PDCA round,
   members replying to its question (each answer is committed before it is acknowledged).
   N updates are queued at once; each bot takes them as fast as it can.
2. The mixed run (mix.py): members of 100 groups answering, pressing buttons, searching
   and browsing tips, asking /status, inline queries and /help, one update in flight
   per group; the floor and the bot side by side, alternating: all mixed, then each kind
   alone. Per kind: updates per second and p50/p99; the ratio to the floor.
3. Scale. Start-up time and peak memory with 10,000 and 100,000 chats that each have a
   check-in schedule; then 1,000 chats due at the same minute under Telegram's limits.

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

sys.path.insert(0, str(ROOT / "bench"))

import mix  # noqa: E402
from driver import Driver, Watched  # noqa: E402
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


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def timed(process, play) -> dict:
    """A run's figures, with the CPU time the process spent per update (ms)."""
    before, fake = cpu_seconds(process.pid), cpu_seconds(os.getpid())
    figures = await play
    figures["cpu"] = (cpu_seconds(process.pid) - before) * 1000 / figures["all"]["n"]
    figures["fake"] = (cpu_seconds(os.getpid()) - fake) * 1000 / figures["all"]["n"]
    return figures


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


async def startup(count: int) -> tuple[float, float, float]:
    """Start-up time (process start to first getUpdates) and peak RSS with `count` chats
    that each have a check-in schedule (none due); and how long the schedule tick's look
    for due schedules takes (ms), which it does every 30 s."""
    async with FakeTelegram() as fake:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bot.sqlite3"
            await many_chats(db, count, datetime.now(UTC) + timedelta(days=3))
            repo = await SqliteStore.open(db)
            started = time.perf_counter()
            for _ in range(5):
                await repo.due_schedules(datetime.now(UTC))
            tick = (time.perf_counter() - started) / 5 * 1000
            await repo.close()
            process, took = await spawn(fake, ["-m", "bot", "run"], environment(fake, db))
            await asyncio.sleep(2.5)  # the first schedule tick runs at 1 s
            rss = peak_rss_mb(process.pid)
            await stop(process)
    return took, rss, tick


async def scale(counts: list[int]) -> None:
    figures = []
    for count in counts:
        took, rss, tick = await startup(count)
        figures.append((count, took, rss, tick))
        print(f"{count:,} chats with schedules: start-up {took:.2f} s (process start to first "
              f"getUpdates), peak RSS {rss:.1f} MB, due schedules found in {tick:.1f} ms",
              flush=True)
    if len(figures) > 1:
        (c0, t0, r0, d0), (c1, t1, r1, d1) = figures[0], figures[-1]
        per = (c1 - c0) / 10_000
        print(f"  growth per 10,000 more chats: start-up {(t1 - t0) / per:+.3f} s, "
              f"peak RSS {(r1 - r0) / per:+.2f} MB, due schedules {(d1 - d0) / per:+.2f} ms",
              flush=True)

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


async def mixed(updates: int, alone: int) -> float:
    """The mixed run, then each kind alone: the floor and the bot are up side by side,
    each with its own fake, and take turns. Returns the mixed run's ratio."""
    async with Watched() as floor_fake, Watched() as bot_fake:
        floor_driver, bot_driver = Driver(floor_fake), Driver(bot_fake)
        floor_groups = mix.world(floor_fake, floor_driver)
        bot_groups = mix.world(bot_fake, bot_driver)
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bot.sqlite3"
            floor, _ = await spawn(floor_fake, [str(ROOT / "bench" / "floor_bot.py")],
                                   environment(floor_fake, db))
            bot, _ = await spawn(bot_fake, ["-m", "bot", "run"],
                                 environment(bot_fake, db, TELEGRAM_RATE_LIMIT="off"))
            try:
                started = time.perf_counter()
                await asyncio.gather(*(mix.setup(bot_driver, g) for g in bot_groups))
                print(f"  … {mix.GROUPS} groups set up in {time.perf_counter() - started:.1f} s",
                      flush=True)
                mix.mirror(floor_fake, floor_groups, bot_groups)
                for floor_side in (True, False):  # a short mixed run of each, not counted
                    await mix.play(floor_driver if floor_side else bot_driver,
                                   floor_groups if floor_side else bot_groups, None, 500,
                                   floor_side)
                runs = {}
                for kind in (None, *mix.SHARES):
                    n = updates if kind is None else alone
                    runs[kind] = (
                        await timed(floor, mix.play(floor_driver, floor_groups, kind, n, True)),
                        await timed(bot, mix.play(bot_driver, bot_groups, kind, n, False)))
                    print(f"  … {kind or 'mixed'}: floor {runs[kind][0]['all']['rate']:.0f}/s, "
                          f"bot {runs[kind][1]['all']['rate']:.0f}/s", flush=True)
                rss = (peak_rss_mb(floor.pid), peak_rss_mb(bot.pid))
            finally:
                await stop(floor)
                await stop(bot)
    return report(runs, updates, alone, rss)


def report(runs: dict, updates: int, alone: int, rss: tuple[float, float]) -> float:
    floor_mix, bot_mix = runs[None]
    print(f"\nmixed run: {updates} updates over {mix.GROUPS} groups, one in flight per group. "
          f"Rates and CPU per update: each kind alone ({alone} updates), the mix in its row; "
          "latencies (fetched -> last effect): in the mix", flush=True)
    print(f"{'kind':<8} {'share':>5} {'floor/s':>8} {'bot/s':>6} {'ratio':>5}  "
          f"{'cpu ms floor':>12} {'bot':>4}  {'bot p50':>7} {'p99':>5}  {'floor p50':>9} "
          f"{'p99':>5}")

    def row(kind: str, share: int, floor: dict, bot: dict, lat_bot: dict, lat_floor: dict) -> str:
        return (f"{kind:<8} {share:>4}% {floor['all']['rate']:8.0f} {bot['all']['rate']:6.0f} "
                f"{bot['all']['rate'] / floor['all']['rate']:5.2f}  {floor['cpu']:12.2f} "
                f"{bot['cpu']:4.2f}  {lat_bot['p50']:7.1f} {lat_bot['p99']:5.1f}  "
                f"{lat_floor['p50']:9.1f} {lat_floor['p99']:5.1f}")

    for kind, share in mix.SHARES.items():
        floor, bot = runs[kind]
        print(row(kind, share, floor, bot, bot_mix[kind], floor_mix[kind]), flush=True)
    print(row("mixed", 100, floor_mix, bot_mix, bot_mix["all"], floor_mix["all"]), flush=True)
    fakes = ", ".join(f"{kind} {runs[kind][1]['fake']:.2f}" for kind in mix.SHARES)
    print(f"the fakes' own CPU per update of the bot (ms, this process): {fakes}, mixed "
          f"{bot_mix['fake']:.2f}", flush=True)
    actions = ", ".join(f"{a} {f['p50']:.0f}/{f['p99']:.0f}"
                        for a, f in sorted(bot_mix["actions"].items()))
    print(f"bot p50/p99 per action in the mix (ms): {actions}", flush=True)
    print(f"peak RSS: floor {rss[0]:.1f} MB, bot {rss[1]:.1f} MB (set-up, mixed and alone runs)",
          flush=True)
    return bot_mix["all"]["rate"] / floor_mix["all"]["rate"]


def tip_search_speed() -> None:
    """The tip search alone: the mixed run's queries and more, uncached (`ranked`; the
    bot's `search` keeps the last 1,024 answers)."""
    from bot.core.i18n import LANGUAGES, texts
    from bot.features.tips import TipLibrary, TipSearch
    started = time.perf_counter()
    search = TipSearch(TipLibrary(), {language: texts(language) for language in LANGUAGES})
    built = time.perf_counter() - started
    queries = [*mix.WORDS, *mix.INLINE, "wie doet wat", "knowlege transfer", "CONTACTPERSOON",
               "doelgroep betrekken", "eindresultaat", "kwaliteitskompas"]
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        for query in queries:
            search.ranked(query, "nl")
    each = (time.perf_counter() - started) / (rounds * len(queries))
    print(f"tip search: {each * 1000:.3f} ms per /tip WORD query ({len(queries)} queries, "
          f"index built in {built * 1000:.0f} ms)", flush=True)


async def main(n: int, mixed_n: int, alone: int, chats: list[int]) -> None:
    print(f"Samenwerkbot benchmark: {n} answer updates over {GROUPS} groups", flush=True)
    # A first short run of each, not counted: a fresh install compiles its .pyc files then.
    for args, seeded in (([str(ROOT / "bench" / "floor_bot.py")], False),
                         (["-m", "bot", "run"], True)):
        await measure("warm-up", args, 200, seeded, quiet=True)
    floor = await measure("floor", [str(ROOT / "bench" / "floor_bot.py")], n, seeded=False)
    bot = await measure("bot", ["-m", "bot", "run"], n, seeded=True)
    print(f"answer run ratio bot/floor: {bot['rate'] / floor['rate']:.2f}", flush=True)
    await scale(chats)
    tip_search_speed()
    ratio = await mixed(mixed_n, alone)
    print(f"throughput ratio bot/floor: {ratio:.2f}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=5000, help="answers in the answer run")
    parser.add_argument("--mixed", type=int, default=5000, help="updates in the mixed run")
    parser.add_argument("--alone", type=int, default=1000, help="updates in each kind's run")
    parser.add_argument("--chats", type=int, nargs="+", default=[10_000, 100_000],
                        help="chats for the start-up figures")
    parser.add_argument("--only-mixed", action="store_true", help="the mixed run only")
    args = parser.parse_args()
    if args.only_mixed:
        asyncio.run(mixed(args.mixed, args.alone))
    else:
        asyncio.run(main(args.updates, args.mixed, args.alone, args.chats))
