"""Every Bot API call goes through here: a `Pace` per group keeps each group within
Telegram's 20 messages in any minute; one `Pace` keeps all chats together under 30 a
second; PTB's AIORateLimiter waits out a 429; and a network failure or a 5xx is retried
with back-off instead of failing the update."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


class Pace:
    """At most `count` messages in any `period` seconds, evenly spaced.

    Telegram counts every sliding second. A token bucket (PTB's overall limiter) lets a
    burst through after each refill, and after a 429 it releases everything that queued
    meanwhile at once, which draws the next 429s. Here each message waits for its own
    slot, just before it goes out: at least period/(count+1) after the last one, and a
    full period after the one `count` places back. 28 a second leaves two messages of
    slack against Telegram's 30: the jitter between leaving here and arriving there may
    be 60 ms before it matters (with 29, some 429s still showed under load).
    """

    def __init__(self, count: int = 28, period: float = 1.0, *, spread: bool = True,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        self.count = count
        self.period = period
        self.gap = period / (count + 1) if spread else 0.0
        self.clock = clock
        self.sleep = sleep
        self.sent: deque[float] = deque(maxlen=count)
        self.lock = asyncio.Lock()

    async def wait(self) -> float:
        async with self.lock:  # first come, first served
            now = self.clock()
            slot = now
            if self.sent:
                slot = max(slot, self.sent[-1] + self.gap)
            if len(self.sent) == self.count:
                slot = max(slot, self.sent[0] + self.period)
            if slot > now:
                await self.sleep(slot - now)
            stamp = max(self.clock(), slot)
            self.sent.append(stamp)
            return stamp

    def settle(self, stamp: float) -> None:
        """The message with this stamp is through: count it from now. Telegram counts a
        message when it arrives, so one delayed on the way would otherwise let the
        message `count` places later go out early enough to draw a 429."""
        for i, sent in enumerate(self.sent):
            if sent == stamp:
                self.sent[i] = max(stamp, self.clock())
                return


class GroupPaces:
    """A group gets at most 20 messages in any 60 seconds (Telegram counts a sliding
    minute). PTB's group limiter is a leaky bucket, which lets up to 40 through in one
    minute after a quiet spell; here a group's 21st message waits until its first is a
    minute old. Bursts within the 20 go out at once: a question right after a summary
    should not wait."""

    def __init__(self, count: int = 20, period: float = 60.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        self.count, self.period, self.clock, self.sleep = count, period, clock, sleep
        self.paces: dict[object, Pace] = {}

    async def wait(self, chat_id: object) -> tuple[Pace, float]:
        """Wait for the group's slot; returns what to `settle` once the message is sent."""
        pace = self.paces.get(chat_id)
        if pace is None:
            if len(self.paces) >= 1000:  # forget groups quiet for a minute
                now = self.clock()
                self.paces = {c: p for c, p in self.paces.items()
                              if p.sent and now - p.sent[-1] < self.period}
            pace = self.paces[chat_id] = Pace(self.count, self.period, spread=False,
                                              clock=self.clock, sleep=self.sleep)
        return pace, await pace.wait()


def counts_in_group(endpoint: str, chat_id: object) -> bool:
    """A message into a group (sent, edited, copied or forwarded), not a look-up or a
    chat action. Groups have negative ids; a @username names a public one."""
    group = isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
    message = endpoint.startswith(("send", "edit", "copy", "forward")) \
        and endpoint != "sendChatAction"
    return group and message


class ResilientLimiter(AIORateLimiter):
    def __init__(self, *, pace: Pace | None = None, groups: GroupPaces | None = None,
                 network_retries: int = 4, backoff: float = 0.5, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pace = pace
        self.groups = groups
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        chat_id = data.get("chat_id")
        if chat_id is not None and (self.pace is not None or self.groups is not None):
            # Paced inside PTB's limiter, after any 429 pause, right before sending: first
            # the group's minute, then the overall second.
            send = callback

            async def callback(*a, **kw):
                slot = None
                if self.groups is not None and counts_in_group(endpoint, chat_id):
                    slot = await self.groups.wait(chat_id)
                if self.pace is not None:
                    await self.pace.wait()
                try:
                    return await send(*a, **kw)
                finally:
                    if slot is not None:
                        slot[0].settle(slot[1])

        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except BadRequest:
                raise  # Telegram answered: trying again gives the same answer
            except NetworkError as exc:
                if attempt == self.network_retries or endpoint == "getUpdates":
                    raise
                delay = self.backoff * 2 ** attempt
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc, attempt + 1,
                            delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
