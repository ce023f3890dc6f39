"""Telegram's flood limits: the bot's own pace, with a virtual clock (no test sleeps)."""

from __future__ import annotations

from itertools import pairwise

from bot.adapters.telegram.limiter import GroupPaces, Pace, counts_in_group


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


async def test_a_group_gets_twenty_messages_in_any_minute_and_no_burst_waits():
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds + 0.002

    groups = GroupPaces(clock=lambda: now[0], sleep=sleep)
    sent = []
    for _ in range(45):
        await groups.wait(-100)
        sent.append(now[0])
    await groups.wait(-200)  # another group is not held up by this one
    assert now[0] == sent[-1]
    assert sent[:20] == [0.0] * 20, "a burst within the twenty goes out at once"
    assert all(b - a >= 60 for a, b in zip(sent, sent[20:], strict=False)), \
        "never 21 within one minute"
    assert sent[-1] < 2 * 60 + 1, "and no slower than that asks"


def test_only_messages_into_groups_count():
    assert counts_in_group("sendMessage", -1001)
    assert counts_in_group("editMessageText", -42)
    assert not counts_in_group("sendMessage", 42)  # a private chat
    assert not counts_in_group("getChatMember", -42)
    assert not counts_in_group("sendChatAction", -42)


async def test_a_message_counts_from_when_it_got_through():
    """Telegram counts a message when it arrives: the first of twenty took 5 s to get
    through, so the 21st waits a minute from then, not from when the first left."""
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    groups = GroupPaces(clock=lambda: now[0], sleep=sleep)
    first = await groups.wait(-100)
    for _ in range(19):
        await groups.wait(-100)
    now[0] = 5.0  # the first one's call returns only now
    first[0].settle(first[1])
    await groups.wait(-100)
    assert now[0] >= 65.0
