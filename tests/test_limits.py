"""Telegram's flood limits: the bot's own pace, with a virtual clock (no test sleeps)."""

from __future__ import annotations

from itertools import pairwise

from bot.adapters.telegram.limiter import Pace


async def test_the_pace_keeps_every_second_under_telegrams_limit():
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds + 0.002  # asyncio wakes a little late, never early

    pace = Pace(clock=lambda: now[0], sleep=sleep)
    sent = []
    for _ in range(300):
        await pace.wait()
        sent.append(now[0])
    # Two below Telegram's 30: arrivals may jitter by 60 ms before a second holds 31.
    assert pace.count == 28
    assert all(b - a >= 1.0 for a, b in zip(sent, sent[28:], strict=False)), \
        "never 29 within one second"
    assert min(b - a for a, b in pairwise(sent)) >= 1 / 29, "no bursts"
    assert sent[-1] < 300 / 28 + 0.3, "but no slower than that asks (27/s: 11.1 s)"
