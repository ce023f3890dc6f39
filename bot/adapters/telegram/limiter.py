"""Every Bot API call goes through here: PTB's AIORateLimiter paces the calls within
Telegram's limits and waits out a 429; on top of that, a network failure or a 5xx is
retried with back-off instead of failing the update."""

from __future__ import annotations

import asyncio
import logging

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


class ResilientLimiter(AIORateLimiter):
    def __init__(self, *, network_retries: int = 4, backoff: float = 0.5, **kwargs) -> None:
        super().__init__(**kwargs)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
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
