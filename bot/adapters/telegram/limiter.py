"""Every Bot API call goes through here: PTB's AIORateLimiter keeps each group within
Telegram's 20 messages a minute and waits out a 429; `Pace` keeps all chats together
under 30 a second; and a network failure or a 5xx is retried with back-off instead of
failing the update."""

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

    def __init__(self, count: int = 28, period: float = 1.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        self.count = count
        self.period = period
        self.gap = period / (count + 1)
        self.clock = clock
        self.sleep = sleep
        self.sent: deque[float] = deque(maxlen=count)
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self.lock:  # first come, first served
            now = self.clock()
            slot = now
            if self.sent:
                slot = max(slot, self.sent[-1] + self.gap)
            if len(self.sent) == self.count:
                slot = max(slot, self.sent[0] + self.period)
            if slot > now:
                await self.sleep(slot - now)
            self.sent.append(max(self.clock(), slot))


class ResilientLimiter(AIORateLimiter):
    def __init__(self, *, pace: Pace | None = None, network_retries: int = 4,
                 backoff: float = 0.5, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pace = pace
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        if self.pace is not None and data.get("chat_id") is not None:
            # Paced inside PTB's limiter, after any 429 pause, right before sending.
            send = callback

            async def callback(*a, **kw):
                await self.pace.wait()
                return await send(*a, **kw)

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
