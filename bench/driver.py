"""Members acting on what the bot shows them: each group has one update in flight, and its
next one is pushed when the bot's answer to the last one is complete (so a press finds
the message the bot just sent). The fake tells the driver about every effect of the bot.

What completes an update (its `wants`):
    ("reply", id)     a message sent as a reply to message `id`
    ("message",)      any new message in the chat
    ("button", p)     a new message in the chat with a button whose data starts "p:"
    ("edit", id)      an edit of message `id`
    ("change", id)    an edit of message `id`, or a new question (a message with "n:")
    ("callback", id)  the answer to callback query `id` (the toast)
    ("inline", id)    the answer to inline query `id`
Latency is counted from the moment the bot fetched the update to the last of these.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

from fakebot import FakeTelegram
from fakebot.conversation import detect_entities

_ids = itertools.count(1)


@dataclass
class Waiting:
    kind: str  # answers, buttons, tips, status, other (or "setup")
    action: str  # what exactly: reply, tick, next, vote, word, …
    update_id: int
    wants: list[tuple]
    done: asyncio.Future
    got: list[dict] = field(default_factory=list)  # the new messages among the effects


@dataclass
class Group:
    chat: dict
    members: list[dict]
    log: dict | None = None  # the PDCA question typed answers reply to
    question: dict | None = None  # the process question the buttons are pressed on
    at_first: bool = True  # the process is at its first (several-choices) question
    checkin: dict | None = None  # the open check-in round's message
    scan: dict | None = None  # the open scan's message
    menu: dict | None = None  # the last /tips message
    turns: dict[str, int] = field(default_factory=dict)  # per cycle: how far it got
    waiting: Waiting | None = None

    def turn(self, cycle: str) -> int:
        n = self.turns.get(cycle, 0)
        self.turns[cycle] = n + 1
        return n


class Watched(FakeTelegram):
    """The strict fake, reporting each effect to the driver and when updates are fetched."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: dict[int, float] = {}
        self.driver: Driver | None = None

    async def _get_updates(self, p: dict, gone: asyncio.Event) -> list[dict]:
        updates = await super()._get_updates(p, gone)
        now = time.perf_counter()
        for update in updates:
            self.fetched.setdefault(update["update_id"], now)
        return updates

    def _api_sendmessage(self, p: dict) -> dict:
        message = super()._api_sendmessage(p)
        self.driver.effect(message["chat"]["id"], "send", message)
        return message

    def _api_editmessagetext(self, p: dict) -> dict | bool:
        message = super()._api_editmessagetext(p)
        if isinstance(message, dict):
            self.driver.effect(message["chat"]["id"], "edit", message)
        return message

    def _api_answercallbackquery(self, p: dict) -> bool:
        result = super()._api_answercallbackquery(p)
        self.driver.answered("callback", str(p["callback_query_id"]))
        return result

    def _api_answerinlinequery(self, p: dict) -> bool:
        result = super()._api_answerinlinequery(p)
        self.driver.answered("inline", str(p["inline_query_id"]))
        return result


def buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def has_button(message: dict, prefix: str) -> bool:
    return any(b.get("callback_data", "").startswith(prefix + ":") for b in buttons(message))


class Driver:
    def __init__(self, fake: Watched) -> None:
        self.fake = fake
        fake.driver = self
        self.by_chat: dict[int, Group] = {}
        self.queries: dict[str, Group] = {}
        self.latencies: dict[str, list[float]] = {}  # per kind, ms
        self.actions: dict[str, list[float]] = {}  # per action, ms
        self.first = self.last = 0.0

    def add(self, group: Group) -> None:
        self.by_chat[group.chat["id"]] = group

    def reset(self) -> None:
        self.latencies, self.actions = {}, {}
        self.first = self.last = 0.0

    # -- what members do ---------------------------------------------------------------

    async def says(self, group: Group, user: dict, text: str, kind: str, action: str,
                   wants: list[tuple] | None = None, reply_to: dict | None = None) -> Waiting:
        fields: dict = {}
        if entities := detect_entities(text):
            fields["entities"] = entities
        if reply_to is not None:
            target = self.fake.stored(group.chat["id"], reply_to["message_id"]).snapshot()
            target.pop("reply_to_message", None)
            fields["reply_to_message"] = target
        message = self.fake.push_message(group.chat["id"], user, text, **fields)
        wants = wants or [("reply", message["message_id"])]
        return await self._wait(group, kind, action, wants)

    async def presses(self, group: Group, user: dict, message: dict, data: str, kind: str,
                      action: str, wants: list[tuple] = ()) -> Waiting:
        query_id = str(next(_ids))
        self.queries[query_id] = group
        snapshot = self.fake.stored(group.chat["id"], message["message_id"]).snapshot()
        self.fake.push_update({"callback_query": {
            "id": query_id, "from": dict(user), "message": snapshot, "data": data,
            "chat_instance": str(abs(group.chat["id"]))}})
        return await self._wait(group, kind, action, [("callback", query_id), *wants])

    async def asks_inline(self, group: Group, user: dict, query: str, kind: str) -> Waiting:
        query_id = str(next(_ids))
        self.queries[query_id] = group
        self.fake.push_update({"inline_query": {"id": query_id, "from": dict(user),
                                                "query": query, "offset": "",
                                                "chat_type": "group"}})
        return await self._wait(group, kind, "inline", [("inline", query_id)])

    async def _wait(self, group: Group, kind: str, action: str, wants: list) -> Waiting:
        update_id = self.fake._updates[-1]["update_id"]  # (pending_updates copies them all)
        waiting = Waiting(kind, action, update_id, list(wants),
                          asyncio.get_running_loop().create_future())
        group.waiting = waiting
        await waiting.done
        return waiting

    # -- what the bot does ---------------------------------------------------------------

    def effect(self, chat_id: int, how: str, message: dict) -> None:
        group = self.by_chat.get(chat_id)
        waiting = group.waiting if group is not None else None
        if waiting is None:
            return
        for want in waiting.wants:
            if want[0] == "change":
                hit = has_button(message, "n") if how == "send" else \
                    want[1] == message["message_id"]
            elif how == "edit":
                hit = want == ("edit", message["message_id"])
            elif want[0] == "reply":
                hit = (message.get("reply_to_message") or {}).get("message_id") == want[1]
            elif want[0] == "button":
                hit = has_button(message, want[1])
            else:
                hit = want == ("message",)
            if hit:
                waiting.wants.remove(want)
                if how == "send":
                    waiting.got.append(message)
                break
        self._check(group)

    def answered(self, how: str, query_id: str) -> None:
        group = self.queries.pop(query_id, None)
        if group is not None and group.waiting is not None:
            if (how, query_id) in group.waiting.wants:
                group.waiting.wants.remove((how, query_id))
            self._check(group)

    def _check(self, group: Group) -> None:
        waiting = group.waiting
        if waiting.wants or waiting.done.done():
            return
        now = time.perf_counter()
        fetched = self.fake.fetched.get(waiting.update_id, now)
        ms = (now - fetched) * 1000
        self.latencies.setdefault(waiting.kind, []).append(ms)
        self.actions.setdefault(waiting.action, []).append(ms)
        self.first = min(self.first or fetched, fetched)
        self.last = max(self.last, now)
        group.waiting = None
        waiting.done.set_result(None)
