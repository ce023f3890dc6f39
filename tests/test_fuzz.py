"""Random input, tried for real: the bot never crashes, every message it sends is one
Telegram accepts, and stored answers equal what was sent."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from fakebot import FakeTelegram
from fakebot.conversation import Group
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import config
from bot.adapters.telegram.limiter import ResilientLimiter
from bot.adapters.telegram.runner import start
from bot.core.clock import FakeClock

SPECIAL = "<>&\"'*_`[]()~\\|#+-=.!\u200b\u200c\u200d\u200e\u200f\u202e\u2066\ufeff💪🏽👩‍👩‍👧"
TEXT = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)),
                                  st.sampled_from(SPECIAL)), min_size=1, max_size=300)
LONG = st.builds(lambda s, n: (s * n)[:4096], TEXT, st.integers(1, 40))
COMMANDS = st.sampled_from(["/start", "/help", "/proces", "/status", "/tip", "/tips", "/org",
                            "/checkin", "/scan", "/pdca", "/afspraken", "/taal", "/privacy",
                            "/instellingen", "/onbekend", "/start@samenwerk_test_bot"])
ACTION = st.one_of(
    st.tuples(st.just("answer"), st.integers(0, 2), st.one_of(TEXT, LONG)),
    st.tuples(st.just("command"), st.integers(0, 2), st.tuples(COMMANDS, TEXT)),
    st.tuples(st.just("press"), st.integers(0, 2), st.integers(0, 30)),
    st.tuples(st.just("forged"), st.integers(0, 2), st.text(min_size=1, max_size=64).filter(
        lambda s: 1 <= len(s.encode()) <= 64)),
    st.tuples(st.just("sticker"), st.integers(0, 2), st.none()),
    st.tuples(st.just("photo"), st.integers(0, 2), st.none()),
    st.tuples(st.just("chatter"), st.integers(0, 2), TEXT),
)


def is_question(message: dict) -> bool:
    text = message.get("text", "")
    return text.startswith("✍️") or " — vraag " in text


async def scenario(actions: list, folder: Path) -> None:
    async with FakeTelegram() as fake:
        settings = config.load({"TELEGRAM_BOT_TOKEN": fake.token,
                                "TELEGRAM_API_URL": fake.base_url,
                                "DATABASE_PATH": str(folder / "bot.sqlite3")})
        limiter = ResilientLimiter(overall_max_rate=0, group_max_rate=0, backoff=0.01)
        running = await start(settings, FakeClock(), poll_timeout=5, rate_limiter=limiter,
                              tick_seconds=None, backoff=0.01)
        try:
            groups = [Group(fake, title=f"Groep {i}") for i in range(2)]
            people = [g.member(name, admin=(name == "Anna"), lang="nl")
                      for g in groups for name in ("Anna", "Bram")]
            for member in people[::2]:
                await member.sends("/proces")
            sent_answers: dict[int, str] = {}
            for kind, who, payload in actions:
                member = people[who % len(people)]
                group = groups[0] if member in people[:2] else groups[1]
                bot_messages = [m for m in group.messages() if m["from"]["is_bot"]]
                if kind == "answer":
                    questions = [m for m in bot_messages if is_question(m)]
                    if questions:
                        message = await member.replies(questions[-1], payload)
                        sent_answers[message["message_id"]] = payload
                elif kind == "command":
                    await member.sends(f"{payload[0]} {payload[1]}")
                elif kind == "press":
                    buttons = [(m, b) for m in bot_messages for row in (
                        m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
                    if buttons:
                        message, button = buttons[payload % len(buttons)]
                        fake.push_update({"callback_query": {
                            "id": str(abs(hash((message["message_id"], payload)))),
                            "from": member.user, "message": message, "chat_instance": "1",
                            "data": button["callback_data"]}})
                elif kind == "forged" and bot_messages:
                    fake.push_update({"callback_query": {
                        "id": f"forged-{abs(hash(payload))}", "from": member.user,
                        "message": bot_messages[-1], "chat_instance": "1", "data": payload}})
                elif kind == "sticker":
                    await member.sends_sticker()
                elif kind == "photo":
                    await member.sends_photo()
                else:
                    await member.sends(payload)
            await fake.wait_for(lambda: not fake.pending_updates, 20)
            marker = people[0]
            await marker.sends("/help")  # handled last: everything before it is done
            await groups[0].bot_says(containing="Wat ik kan", timeout=20)
            refused = [e for _, e in fake.errors if "query is too old" not in e["description"]]
            assert not refused, refused
            stored = {}
            async with running.repo.db.execute(
                    "SELECT message_id, value FROM answers WHERE message_id IS NOT NULL") as cur:
                import json
                for message_id, value in await cur.fetchall():
                    stored[message_id] = json.loads(value)
            for message_id, value in stored.items():
                if isinstance(value, str) and message_id in sent_answers:
                    assert value == sent_answers[message_id]
        finally:
            await running.stop()


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(ACTION, min_size=3, max_size=25))
def test_random_input_never_breaks_the_bot(actions):
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(scenario(actions, Path(folder)))
