"""The mixed run: members of 100 groups doing what members do, against the bot and against
the floor, each kind alone and all mixed.

Kinds (and their share of the mix):
    answers  typed answers: replies to the PDCA round's log question
    buttons  presses under the process question (tick, done, next, back), check-in votes,
             scan scores
    tips     /tip WORD (typos, compounds, English words, a miss), /tips and its presses
    status   /status
    other    inline queries (`@bot fondsen`, and empty) and /help
The bot is set up first (not timed) the way a group would: /proces, the organisations,
each member's organisation, a PDCA round up to its log question, /checkin nu and /scan.
One member of each group (Dirk) only says which organisation he is from, so the check-in
round and the scan stay open however often the others vote. The floor's groups get copies
of the bot's messages (the same texts and keyboards), so its updates are the same size:
a press carries its message and keyboard, a reply the question it replies to.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import statistics

from driver import Driver, Group, Waiting, Watched, buttons, has_button

from bot.core.flows import load_all
from bot.core.i18n import texts

SHARES = {"answers": 40, "buttons": 30, "tips": 15, "status": 10, "other": 5}
GROUPS = 100
WORDS = ["fondsen", "samenwerkingsafspraken", "kenisoverdracht", "evalueeren", "continuïteit",
         "wie doet wat", "vrijwilligers uitlenen", "draagvlak bij het bestuur", "afsprakenlijst",
         "funding", "trust", "pilot", "vertrouwen", "subsidei", "xyzzy"]
INLINE = ["fon", "fondsen", "", "afspr", "samenwerk", "trust", "kwaliteitskompas", ""]
TIPS = ["word", "tips", "theme", "word", "tip", "word", "themes", "word"]  # /tips cycle
PROCESS = ["tick", "tick", "done", "back", "tick", "next", "back"]  # at: why, with_whom
BUTTONS = ["process", "vote", "score"]
VOTES = [("g", "yes"), ("p", "yes"), ("c", "go"), ("g", "partly"), ("p", "no"),
         ("c", "adjust")]


def _plain(key: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", texts("nl").key(key)))


LOG_WORDING = _plain(load_all()["pdca"].step("log").key)[:40]


def world(fake: Watched, driver: Driver) -> list[Group]:
    """100 groups of four members (Anna is an admin)."""
    groups = []
    for g in range(GROUPS):
        chat_id = -(4_100_000_000 + g)
        chat = fake.add_chat(chat_id, "group", f"Groep {g}")
        users = [fake.add_user(name, user_id=7_000_000 + g * 10 + i, language_code="nl")
                 for i, name in enumerate(("Anna", "Bram", "Carla", "Dirk"))]
        for user in users:
            fake.set_member_status(chat_id, user["id"], "member")
        fake.set_admins(chat_id, [users[0]["id"]])
        group = Group(chat, users)
        driver.add(group)
        groups.append(group)
    return groups


def _data(message: dict, prefix: str, label: str | None = None, nth: int = 0) -> str:
    found = [b for b in buttons(message) if b.get("callback_data", "").startswith(prefix + ":")
             and (label is None or b["text"] == label)]
    if not found:
        raise AssertionError(f"no {prefix!r} button {label or ''} in {message.get('text')!r}")
    return found[nth % len(found)]["callback_data"]


def _new(waiting: Waiting, prefix: str) -> dict:
    return next(m for m in waiting.got if has_button(m, prefix))


async def setup(driver: Driver, group: Group) -> None:
    """A group gets going, as its members would (not timed)."""
    anna, bram, carla, dirk = group.members
    say, press = driver.says, driver.presses
    first = _new(await say(group, anna, "/proces", "setup", "setup", [("button", "n")]), "n")
    named = await say(group, anna, "Club A\nClub B", "setup", "setup",
                      [("button", "o"), ("button", "m")], reply_to=first)
    ask, group.question = _new(named, "o"), _new(named, "m")
    for user, org in ((anna, "Club A"), (bram, "Club A"), (carla, "Club B"), (dirk, "Club B")):
        await press(group, user, ask, _data(ask, "o", org), "setup", "setup")
    question = _new(await say(group, anna, "/pdca", "setup", "setup", [("button", "n")]), "n")
    for _ in range(12):
        if LOG_WORDING in question.get("text", ""):
            break
        got = (await say(group, anna, "Dat doen we samen", "setup", "setup", [("message",)],
                         reply_to=question)).got[0]
        if not has_button(got, "n"):  # thanks; the other organisation answers too
            got = _new(await say(group, carla, "Wij ook", "setup", "setup", [("button", "n")],
                                 reply_to=question), "n")
        question = got
    else:
        raise AssertionError(f"the PDCA round never reached its log question: {question}")
    group.log = question
    group.checkin = _new(await say(group, anna, "/checkin nu", "setup", "setup",
                                   [("button", "ci")]), "ci")
    offer = _new(await say(group, anna, "/scan", "setup", "setup", [("button", "scn")]), "scn")
    started = await press(group, anna, offer, _data(offer, "scn"), "setup", "setup",
                          [("button", "sc")])
    group.scan = _new(started, "sc")
    group.menu = (await say(group, anna, "/tips", "setup", "setup", [("button", "tt")])).got[0]


def mirror(fake: Watched, floor: list[Group], bot: list[Group]) -> None:
    """The floor's groups get copies of the messages the bot's groups act on."""
    for mine, theirs in zip(floor, bot, strict=True):
        for name in ("log", "question", "checkin", "scan", "menu"):
            original = getattr(theirs, name)
            extra = {k: original[k] for k in ("entities", "reply_markup") if k in original}
            setattr(mine, name, fake.push_message(mine.chat["id"], fake.bot_user,
                                                  original.get("text", ""), push=False, **extra))


async def act(driver: Driver, group: Group, kind: str, floor: bool) -> None:
    """One update of this kind, from one of the first three members."""
    n = group.turn(kind)
    user = group.members[n % 3]
    if kind == "answers":
        await driver.says(group, user, f"Stap {n}: we hebben <flyers> & koffie gebracht",
                          kind, "answer", reply_to=group.log)
    elif kind == "status":
        await _command(driver, group, user, "/status", kind, "status", floor)
    elif kind == "other":
        if n % 2:
            await _command(driver, group, user, "/help", kind, "help", floor)
        else:
            await driver.asks_inline(group, user, INLINE[n // 2 % len(INLINE)], kind)
    elif kind == "tips":
        await _tips(driver, group, user, TIPS[n % len(TIPS)], floor)
    else:
        await _button(driver, group, BUTTONS[n % len(BUTTONS)], floor)


async def _command(driver: Driver, group: Group, user: dict, text: str, kind: str,
                   action: str, floor: bool) -> Waiting:
    # The floor echoes it as a reply; the bot sends a message of its own.
    return await driver.says(group, user, text, kind, action,
                             None if floor else [("message",)])


async def _tips(driver: Driver, group: Group, user: dict, step: str, floor: bool) -> None:
    if step == "word":
        word = WORDS[group.turn("word") % len(WORDS)]
        await _command(driver, group, user, f"/tip {word}", "tips", "word", floor)
        return
    if step == "tips":
        waiting = await _command(driver, group, user, "/tips", "tips", "tips", floor)
        if not floor:
            group.menu = waiting.got[0]
        return
    menu = driver.fake.stored(group.chat["id"], group.menu["message_id"]).snapshot()
    prefix = "tv" if step == "tip" else "tt"
    choices = [b["callback_data"] for b in buttons(menu)
               if b["callback_data"].startswith(prefix + ":")
               and (step != "themes" or b["callback_data"] == "tt:")
               and (step != "theme" or b["callback_data"] != "tt:")]
    if floor:  # its copy of the menu never changes: a button like it
        choices = choices or [b["callback_data"] for b in buttons(menu)]
    elif not choices:  # not where the cycle expects: start browsing again
        waiting = await _command(driver, group, user, "/tips", "tips", "tips", floor)
        group.menu = waiting.got[0]
        return
    await driver.presses(group, user, menu, choices[group.turn(step) % len(choices)], "tips",
                         step, [] if floor else [("edit", menu["message_id"])])


async def _button(driver: Driver, group: Group, which: str, floor: bool) -> None:
    n = group.turn(which)
    user = group.members[n % 3]
    if which == "vote":
        question, value = VOTES[n // 3 % len(VOTES)]
        await driver.presses(group, user, group.checkin, _vote(group.checkin, question, value),
                             "buttons", "vote")
        return
    if which == "score":
        condition, score = n // 3 % 5, n % 5 + 1
        await driver.presses(group, user, group.scan, _score(group.scan, condition, score),
                             "buttons", "score")
        return
    turn = group.turn("process")
    step = PROCESS[turn % len(PROCESS)]
    # One member ticks and presses done; the next cycle's is of the other organisation,
    # so a question asked per organisation is complete after the second cycle.
    member = group.members[(0, 2, 1)[turn // len(PROCESS) % 3]]
    question = group.question
    if floor:  # its copy of the question never changes
        prefix = {"tick": "m", "done": "d", "next": "n", "back": "b"}[step]
        data = _data(question, prefix, nth=turn) if has_button(question, prefix) \
            else buttons(question)[0]["callback_data"]
        await driver.presses(group, member, question, data, "buttons", step)
        return
    if group.at_first == (step == "back"):  # out of step with the cycle: move instead
        step = "next" if group.at_first else "back"
    if step == "tick":  # two different options a visit, never "other"
        data = _data(question, "m", nth=group.turn("ticks") % 5)
        await driver.presses(group, member, question, data, "buttons", "tick")
        return
    prefix = {"done": "d", "next": "n", "back": "b"}[step]
    # Done moves on once every organisation answered; until then it updates the question.
    waiting = await driver.presses(group, member, question, _data(question, prefix), "buttons",
                                   step, [("change" if step == "done" else "button",
                                           question["message_id"] if step == "done" else "n")])
    moved = [m for m in waiting.got if has_button(m, "n")]
    if moved:
        group.question = moved[0]
        group.at_first = step == "back"


def _vote(message: dict, question: str, value: str) -> str:
    return next(d for b in buttons(message) if (d := b["callback_data"]).startswith("ci:")
                and d.endswith(f":{question}:{value}"))


def _score(message: dict, condition: int, score: int) -> str:
    return next(d for b in buttons(message)
                if (d := b["callback_data"]).startswith("sc:")
                and d.split(":")[2:] == [str(condition), str(score)])


def plans(kind: str | None, per_group: int) -> list[list[str]]:
    """Each group's kinds in order: one kind alone, or the mix (20 slots in the shares,
    shuffled per group with a fixed seed, repeated)."""
    if kind is not None:
        return [[kind] * per_group for _ in range(GROUPS)]
    slots = [k for k, share in SHARES.items() for _ in range(share // 5)]
    result = []
    for g in range(GROUPS):
        rng = random.Random(g)
        plan: list[str] = []
        while len(plan) < per_group:
            block = slots[:]
            rng.shuffle(block)
            plan += block
        result.append(plan[:per_group])
    return result


async def play(driver: Driver, groups: list[Group], kind: str | None, updates: int,
               floor: bool, limit: float = 240) -> dict:
    """Every group works through its plan, one update in flight each; returns the figures."""
    driver.reset()
    per_group = max(1, updates // GROUPS)

    async def member(group: Group, plan: list[str]) -> None:
        for k in plan:
            await act(driver, group, k, floor)

    work = asyncio.gather(*(member(g, p) for g, p in zip(groups, plans(kind, per_group),
                                                          strict=True)))
    try:
        await asyncio.wait_for(work, limit)
    except TimeoutError:
        stuck = [(g.chat["id"], g.waiting) for g in groups if g.waiting is not None]
        raise AssertionError(f"{len(stuck)} groups still waiting, e.g. {stuck[:3]}") from None
    count = sum(len(v) for v in driver.latencies.values())
    figures = {k: _percentiles(v) for k, v in driver.latencies.items()}
    figures["all"] = _percentiles([x for v in driver.latencies.values() for x in v])
    figures["all"]["rate"] = count / (driver.last - driver.first)
    figures["actions"] = {a: _percentiles(v) for a, v in driver.actions.items()}
    return figures


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"n": len(ordered), "p50": statistics.median(ordered),
            "p99": ordered[max(0, int(len(ordered) * 0.99) - 1)]}
