"""Benchmark: how quiet and quick the bot is in one group going through the whole process.

    .venv/bin/python bench/quiet.py [--pace 4] [--verbose]

A fake Telegram on 127.0.0.1 with Telegram's limits on (20 messages a minute in a group,
30 a second overall) and the real bot as a subprocess with its own rate limiting on.
Anna and Bram (Buurthuis De Linde) and Carla (Voedselbank Noord) answer every question of
the four phases at a human pace: one action every --pace seconds at most, in turn, never
before the question is visible. Printed at the end: answers recorded, the bot's calls into
the group per answer, 429s, and the wait from an answer to the bot's next question.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fakebot import BotMessage, FakeTelegram, Group, Member  # noqa: E402
from fakebot.validate import too_many_requests  # noqa: E402
from run import stop  # noqa: E402  (the throughput benchmark's, beside this file)

from bot.core.flows import Step, load_all  # noqa: E402
from bot.core.i18n import texts  # noqa: E402

FLOW = load_all()["process"]
NL = texts("nl")
HEADER = re.compile(r"vraag (\d+) van (\d+)", re.IGNORECASE)
FINISHED = re.compile(r"alle fases", re.IGNORECASE)  # "Jullie hebben alle fases doorlopen"
ORGS = ("Buurthuis De Linde", "Voedselbank Noord")
PEOPLE = (("Anna", ORGS[0], True), ("Bram", ORGS[0], False), ("Carla", ORGS[1], False))
DATES = ["15-03-2027", "1-06-2027"]
PER_CHAT, PER_MINUTE, OVERALL = 20, 60.0, 30  # Telegram: 20 a minute per group, 30 a second
TIMEOUT = 70.0  # no question for this long: stuck (the bot may wait out a sliding minute)
TEXT_KINDS = ("text", "date", "organisations")


class Stuck(Exception):
    pass


class Stamped(list):
    """The fake's record of messages sent or edited, with when the fake took each."""

    def __init__(self, show) -> None:
        super().__init__()
        self.times: list[float] = []
        self.show = show

    def append(self, item: dict) -> None:
        super().append(item)
        self.times.append(time.perf_counter())
        self.show(item)


class QuietFake(FakeTelegram):
    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.verbose = verbose
        self.sent = Stamped(self.show)
        self.errors = Stamped(self.show_error)
        self.recent: list[float] = []  # messages in any chat within the last second
        self.free_at = 0.0  # perf_counter when the last retry_after handed out ends

    def show(self, item: dict) -> None:
        if self.verbose:
            what = "edit" if "edit_date" in item else "send"
            first = (item.get("text") or item.get("caption") or "<media>").splitlines()[0]
            print(f"{self.now():7.1f}s bot {what} #{item['message_id']}: {first[:90]}",
                  flush=True)

    def show_error(self, item: tuple[str, dict]) -> None:
        wait = item[1].get("parameters", {}).get("retry_after")
        if wait:  # the bot may not send before this
            self.free_at = max(self.free_at, time.perf_counter() + wait)
        if self.verbose:
            print(f"{self.now():7.1f}s fake refuses {item[0]}: {item[1].get('description')}",
                  flush=True)

    def now(self) -> float:
        return time.perf_counter() - self.started

    def _throttle(self, chat_id: int) -> None:
        # enable_rate_limits has one window for both limits; ours is the minute per group,
        # so the overall limit per second is kept here.
        if self._rate is not None:
            now = self.clock()
            self.recent = [t for t in self.recent if now - t < 1.0]
            if len(self.recent) >= OVERALL:
                raise too_many_requests(1)
        super()._throttle(chat_id)
        if self._rate is not None:
            self.recent.append(self.clock())


@dataclass
class Answer:
    pushed: float  # perf_counter when the update was pushed to the fake
    index: int  # the step's place in FLOW.steps
    complete: bool  # the step can move on after this one


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# The last message's text, old and new wording.
FINAL = [plain(NL._(m)) for m in ("🎉 You have completed every phase.",
                                  "🎉 You have completed every phase. /status shows the whole "
                                  "picture.")]


def finished(message: dict) -> bool:
    text = text_of(message)
    return bool(FINISHED.search(text)) or any(final in text for final in FINAL)


def buttons(message: dict) -> list[dict]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b for row in rows for b in row]


def text_of(message: dict) -> str:
    return message.get("text", message.get("caption", ""))


def is_question(message: dict) -> bool:
    return bool(HEADER.search(text_of(message)) and buttons(message))


def step_of(message: dict) -> Step | None:
    """The step a question asks: from its callback data (x:run:index…), checked against
    the question text; from the text alone when the data has another shape."""
    text = text_of(message)
    indexes = [int(parts[2]) for b in buttons(message)
               if len(parts := str(b.get("callback_data", "")).split(":")) >= 3
               and parts[2].isdigit()]
    by_text = [s for s in FLOW.steps if plain(NL.key(s.key))[:40] in text]
    if indexes:
        index = Counter(indexes).most_common(1)[0][0]
        if index < len(FLOW.steps) and (not by_text or FLOW.steps[index] in by_text):
            return FLOW.steps[index]
    return max(by_text, key=lambda s: len(plain(NL.key(s.key))), default=None)


def environment(fake: FakeTelegram, db: Path) -> dict[str, str]:
    # As bench/run.py's, without TELEGRAM_RATE_LIMIT: the bot's limiter stays on.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.base_url,
               DATABASE_PATH=str(db), LOG_LEVEL="WARNING")
    return env


class Players:
    """Anna, Bram and Carla, acting by the wall clock."""

    def __init__(self, fake: QuietFake, group: Group, pace: float, db: Path) -> None:
        self.fake = fake
        self.db = db
        self.group = group
        self.pace = pace
        self.members = [(group.member(name, admin=admin, lang="nl"), org)
                        for name, org, admin in PEOPLE]
        self.turn = 0
        self.last = -1e9  # when the last action went out
        self.answers: list[Answer] = []
        self.answered: dict[int, set[str]] = {}  # step index -> organisations that answered
        self.pressed: set[tuple[int, int]] = set()  # (organisation question, member)
        self.affiliated: set[int] = set()  # members who pressed their organisation
        self.dates = list(DATES)
        self.query = ""  # the last button press's callback query id

    def bot_messages(self) -> list[dict]:
        return [m for m in self.fake.messages(self.group.id)
                if m.get("from", {}).get("id") == self.fake.bot_user["id"]]

    async def act(self, who: Member, do, gap: float | None = None) -> float:
        """Do one action no sooner than `gap` (the pace) after the last one; `do` is an
        async function that says what it did."""
        wait = self.last + (self.pace if gap is None else gap) - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        pushed = time.perf_counter()
        what = await do()
        self.last = pushed
        if self.fake.verbose:
            print(f"{self.fake.now():7.1f}s {who.user['first_name']}: {what}", flush=True)
        return pushed

    def press(self, member: Member, message: BotMessage, pick):
        """Press the button `pick(labels)` chooses, looking at the message as it is then."""
        async def do() -> str:
            labels = [b["text"] for b in buttons(message.message)]
            label = pick(labels)
            if label is None:
                raise Stuck(f"no button to press among {labels}")
            self.query = await member.presses(message, label)
            return f"presses {label}"
        return do

    def reply(self, member: Member, message: BotMessage, text: str):
        async def do() -> str:
            await member.replies(message, text)
            return f"↩️ {text!r}"
        return do

    def done(self, step: Step) -> bool:
        got = self.answered.get(FLOW.steps.index(step), set())
        return self.asked(step) <= got if step.scope == "organisation" else bool(got)

    def asked(self, step: Step) -> set[str]:
        """The organisations a step is asked of: a follow-up on an organisation's own
        answer (`time_plan` after `practical: time`) only of those whose answer asks it."""
        when = step.when
        if when is None or FLOW.step(when.step).scope != "organisation":
            return set(ORGS)
        with closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as con:
            rows = con.execute(
                "SELECT o.name, a.value FROM answers a JOIN organisations o "
                "ON o.id = a.organisation_id WHERE a.chat_id = ? AND a.step = ? "
                "AND a.skipped = 0 ORDER BY a.id", (self.group.id, when.step)).fetchall()
        latest = dict(rows)  # the last answer of each organisation counts
        return {org for org, value in latest.items() if set(_values(value)) & set(when.values)}

    def work(self):
        """What to do next, if anything is visible: ("org", message, member),
        ("question", message, None) or ("finished", None, None)."""
        messages = self.bot_messages()
        if self.answers and any(finished(m) for m in messages):
            return "finished", None, None
        for m in messages:
            text = text_of(m)
            if not {b["text"] for b in buttons(m)} & set(ORGS) or HEADER.search(text):
                continue
            # Asked by name ("Anna, bij welke organisatie…"), or everyone who has not said.
            named = [(who, org) for who, org in self.members if who.user["first_name"] in text]
            for who, org in named or [(who, org) for who, org in self.members
                                      if who.id not in self.affiliated]:
                if (m["message_id"], who.id) not in self.pressed:
                    return "org", m, (who, org)
        questions = [m for m in messages if is_question(m)]
        if questions:
            step = step_of(questions[-1])
            if step is not None and not self.done(step):
                return "question", questions[-1], None
        return None

    async def play(self) -> None:
        anna = self.members[0][0]

        async def start() -> str:
            await anna.sends("/proces")
            return "/proces"

        await self.act(anna, start)
        for _ in range(500):  # bounded: the process has 34 steps
            kind, message, whom = await self.next_work()
            if kind == "finished":
                return
            if kind == "org":
                await self.choose_organisation(message, *whom)
            else:
                await self.answer(BotMessage(self.fake, message), step_of(message))
        raise Stuck("more than 500 actions")

    async def until(self, predicate, what: str):
        """Wait for predicate() at most TIMEOUT seconds, not counting a retry_after the
        fake told the bot to wait out meanwhile."""
        began = time.perf_counter()
        while True:
            left = max(began, self.fake.free_at) + TIMEOUT - time.perf_counter()
            if left <= 0:
                raise Stuck(f"{what} within {TIMEOUT:.0f} s")
            try:
                return await self.fake.wait_for(predicate, left)
            except AssertionError:
                continue  # a retry_after may have moved the deadline

    async def next_work(self) -> tuple:
        try:
            return await self.until(self.work, "nothing to answer")
        except Stuck:
            if self.answers and self.status() == "done":
                print("(the final message was not recognised; the run is done)")
                return "finished", None, None
            raise

    def status(self) -> str:
        return recorded(self.db, self.group.id)[1]

    async def choose_organisation(self, message: dict, member: Member, org: str) -> None:
        self.pressed.add((message["message_id"], member.id))
        self.affiliated.add(member.id)
        asked = BotMessage(self.fake, message)
        await self.act(member, self.press(member, asked, lambda labels: org))

    def next_member(self, step: Step) -> tuple[Member, str]:
        """Whose turn it is; for a step per organisation, the next of an organisation that
        has not answered yet."""
        got = self.answered.get(FLOW.steps.index(step), set())
        asked = self.asked(step) if step.scope == "organisation" else set(ORGS)
        for k in range(len(self.members)):
            member, org = self.members[(self.turn + k) % len(self.members)]
            if step.scope != "organisation" or (org in asked and org not in got):
                self.turn = (self.turn + k + 1) % len(self.members)
                return member, org
        raise Stuck(f"every organisation answered {step.id}, yet it is asked again")

    async def answer(self, question: BotMessage, step: Step) -> None:
        member, org = self.next_member(step)
        index = FLOW.steps.index(step)
        name = member.user["first_name"]
        if step.kind in TEXT_KINDS:
            if step.kind == "organisations":
                text = "\n".join(ORGS)
            elif step.kind == "date":
                text = self.dates.pop(0) if self.dates else "1-09-2027"
            else:
                text = f"{name} over {step.id}: we doen het samen"
            pushed = await self.act(member, self.reply(member, question, text))
        elif step.kind == "multi":
            pushed = await self.choose_several(member, question, step, org)
        else:
            pushed = await self.act(member, self.press(member, question,
                                                       partial(self.label, step)))
        got = self.answered.setdefault(index, set())
        got.add(org)
        complete = step.scope != "organisation" or self.asked(step) <= got
        self.answers.append(Answer(pushed, index, complete))

    def label(self, step: Step, labels: list[str]) -> str | None:
        """The button of the first choice that is not "other" (or 👍, or 3)."""
        wanted = [NL.key(step.choice_key(c)) for c in step.choices if c != "other"]
        wanted += [NL._("👍 Yes"), "3"]
        for want in wanted:
            for label in labels:
                if label == want or label.endswith(" " + want):
                    return label
        return None

    async def choose_several(self, member: Member, question: BotMessage, step: Step,
                             org: str) -> float:
        """Toggle one or two options about a second apart, each seen done, then ✔️ Klaar.
        Per organisation, each picks its own one."""
        picks = [c for c in step.choices if c != "other"]
        picks = picks[:2] if step.scope == "group" else picks[ORGS.index(org):][:1]
        gap = None  # the first click waits for the pace
        for choice in picks:
            want = NL.key(step.choice_key(choice))
            before = question.edits
            await self.act(member, self.press(member, question, lambda labels, w=want: next(
                (label for label in labels if label.endswith(w)), None)), gap)
            # A member sees the tick (on the message, or in a toast) before going on.
            await self.until(lambda b=before: question.edits > b
                             or self.query in self.fake.callback_answers,
                             f"no sign of toggling {want!r}")
            gap = min(1.0, self.pace)

        def done(labels: list[str]) -> str | None:
            return next((label for label in labels if label.startswith("✔️")), None)

        return await self.act(member, self.press(member, question, done), gap)


def waits(fake: QuietFake, chat_id: int, answers: list[Answer]) -> dict[bool, list[float]]:
    """Per answer, the wait to the next question (or the final message) when it completes
    the step, else to the bot's first send or edit in the chat."""
    found: dict[bool, list[float]] = {True: [], False: []}
    for answer in answers:
        for at, message in zip(fake.sent.times, fake.sent, strict=True):
            if at < answer.pushed or message["chat"]["id"] != chat_id:
                continue
            if answer.complete:
                step = step_of(message) if is_question(message) else None
                later = step is not None and FLOW.steps.index(step) > answer.index
                if not (later or finished(message)):
                    continue
            found[answer.complete].append(at - answer.pushed)
            break
    return found


async def settle(fake: QuietFake, chat_id: int, quiet: float = 3.0, limit: float = 120) -> None:
    """Wait until the bot has made no call into the group for `quiet` seconds."""
    def calls() -> int:
        return sum(1 for _, p in fake.requests if p.get("chat_id") == chat_id)

    end = time.perf_counter() + limit
    while time.perf_counter() < end:
        before = calls()
        await asyncio.sleep(quiet)
        if calls() == before:
            return


def recorded(db: Path, chat_id: int) -> tuple[int, str]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        count = con.execute("SELECT COUNT(*) FROM answers WHERE chat_id = ? AND skipped = 0",
                            (chat_id,)).fetchone()[0]
        status = con.execute("SELECT status FROM flow_runs WHERE chat_id = ? AND flow = "
                             "'process' ORDER BY id DESC", (chat_id,)).fetchone()
    return count, status[0] if status else "none"


def _values(value: str) -> list[str]:
    """An answer's stored value as its choices (a multi keeps a JSON list)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return [value]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def seconds(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"median {statistics.median(values):5.2f} s, longest {max(values):5.2f} s "
            f"(n={len(values)})")


async def main(pace: float, verbose: bool) -> int:
    print(f"Samenwerkbot quiet-group benchmark: 3 members of 2 organisations, the whole "
          f"process, one action every {pace:g} s at most; the fake enforces {PER_CHAT} "
          f"messages per {PER_MINUTE:g} s in a group and {OVERALL} a second overall",
          flush=True)
    async with QuietFake(verbose) as fake:
        fake.enable_rate_limits(per_chat=PER_CHAT, overall=None, window=PER_MINUTE)
        group = Group(fake, title="Samen Sterk")
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bot.sqlite3"
            log = Path(folder) / "bot.log"
            with log.open("wb") as err:
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", env=environment(fake, db), cwd=ROOT,
                    stdout=asyncio.subprocess.DEVNULL, stderr=err)
            players = Players(fake, group, pace, db)
            failed = None
            try:
                await fake.wait_for(lambda: fake.calls("getUpdates"), 60)
                began = time.perf_counter()
                await players.play()
                ended = time.perf_counter()
                await settle(fake, group.id)
            except (Stuck, AssertionError) as exc:
                failed = str(exc).splitlines()[0]
            finally:
                await stop(process)
            if failed:
                print(f"STUCK: {failed}; bot exit status {process.returncode}. "
                      f"The bot said last:")
                for m in players.bot_messages()[-6:]:
                    print(f"  #{m['message_id']}: {text_of(m)[:200]!r} "
                          f"{[b['text'] for b in buttons(m)]}")
                print("bot log (last lines):\n  " + "\n  ".join(
                    log.read_text(errors="replace").splitlines()[-15:]))
                return 1
            count, status = recorded(db, group.id)
            warnings = len(log.read_text(errors="replace").splitlines())

    calls = Counter(name for name, p in fake.requests if p.get("chat_id") == group.id
                    and name.startswith(("send", "edit", "delete")))
    total = sum(calls.values())
    sent = sum(1 for m in fake.sent if m["chat"]["id"] == group.id and "edit_date" not in m)
    throttled = sum(1 for _, e in fake.errors if e.get("error_code") == 429)
    per_answer = total / count if count else float("nan")
    found = waits(fake, group.id, players.answers)
    every = found[True] + found[False]
    median = statistics.median(every) if every else float("nan")
    longest = max(every, default=float("nan"))
    print(f"answers recorded:                {count:4d}   (run {status}; {len(players.answers)} "
          f"answers given, {len(players.pressed)} organisation presses)")
    print(f"bot messages sent into group:    {sent:4d}")
    print(f"group-scoped calls:              {total:4d}   ("
          + ", ".join(f"{n} {name}" for name, n in calls.most_common())
          + f"; {throttled} of them refused with 429)")
    print(f"429s from the fake:              {throttled:4d}   target 0: "
          f"{verdict(throttled == 0)}")
    print(f"group-scoped calls per answer:   {per_answer:6.2f} target at most 1.5: "
          f"{verdict(per_answer <= 1.5)} ({(total - throttled) / count:.2f} without the "
          f"refused ones)")
    print(f"wait, answer -> next question:   {seconds(found[True])}")
    print(f"wait, answer -> first reaction:  {seconds(found[False])}   (per-organisation "
          f"answers that do not complete the step)")
    print(f"wait, all answers:               {seconds(every)}")
    print(f"  median under 1 s: {verdict(median < 1)}; longest under 3 s: {verdict(longest < 3)}")
    print(f"bot log lines (WARNING and up):  {warnings:4d}")
    print(f"total wall time:                 {ended - began:6.1f} s (from /proces to the "
          f"final message)")
    return 0 if status == "done" else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pace", type=float, default=4.0,
                        help="seconds between two member actions, at least (default 4)")
    parser.add_argument("--verbose", action="store_true",
                        help="print each bot message (first line) and action as it comes")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.pace, args.verbose)))
