"""A feature writes through the unit of work it is handed, never through a store of its
own, so that everything one update (or one remembered message) does is one transaction
on either store; and the clock's work is claimed by one PostgreSQL worker at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.compose import build
from bot.core.clock import FakeClock
from bot.core.outcome import Reply
from bot.features.checkins.rounds import KIND as ROUND
from bot.features.scan.feature import KIND as SCAN
from bot.store import open_raw
from bot.store.memory import MemoryStore

TZ = "Europe/Amsterdam"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_shown_writes_into_the_unit_it_is_given(kind, tmp_path, request):
    target = request.getfixturevalue("postgres_url") if kind == "postgresql" \
        else tmp_path / "bot.sqlite3"
    clock = FakeClock()
    own = MemoryStore()  # the features' own store: nothing may land here
    features = build(own, clock).router.features
    store = await open_raw(target)
    try:
        async with store.transaction() as unit:
            await unit.ensure_chat(-1, "group", "Samen", "nl", TZ, clock.now())
            round_id = await unit.open_checkin(-1, clock.now(), clock.now() + timedelta(days=1),
                                               clock.now() + timedelta(days=3))
            scan = await unit.open_scan(-1, False, "salt", clock.now())

        async def show_both(unit) -> None:
            for feature in features:
                await feature.shown(unit, -1, Reply("round", asks=ROUND, ref=round_id), 501)
                await feature.shown(unit, -1, Reply("scan", asks=SCAN, ref=scan.id), 502)

        with pytest.raises(RuntimeError):  # rolled back with the unit: nothing kept
            async with store.transaction() as unit:
                await show_both(unit)
                raise RuntimeError("the rest of the update failed")
        assert (await store.checkin(round_id)).message_id is None
        assert (await store.scan(scan.id)).message_id is None

        async with store.transaction() as unit:
            await show_both(unit)
        assert (await store.checkin(round_id)).message_id == 501
        assert (await store.scan(scan.id)).message_id == 502
        assert await own.checkin(round_id) is None and await own.chat(-1) is None
    finally:
        await store.close()


async def test_one_worker_at_a_time_does_the_clocks_work(postgres_url):
    """Claims: the first worker to claim a kind of work gets it all and keeps it while it
    works; another gets none of that kind (one pace for the whole bot's fan-out) until
    the first one's claims run out (it stopped)."""
    one, two = await open_raw(postgres_url), await open_raw(postgres_url)
    try:
        assert await one.claim("checkin", [1, 2, 3]) == {"1", "2", "3"}
        assert await two.claim("checkin", [3, 4]) == set(), "the other worker is on it"
        assert await two.claim("schedule", [-1]) == {"-1"}, "another kind is free"
        assert await one.claim("checkin", [3, 4, 5]) == {"3", "4", "5"}
        async with one.pool.acquire() as conn:  # longer for more refs: a long fan-out
            leases = dict(await conn.fetch("SELECT ref, until - now() FROM claims "
                                           "WHERE kind = 'checkin'"))
            assert leases["5"] > leases["1"] >= timedelta(minutes=5)
            # The first worker stops; its claims run out (as time would make them).
            await conn.execute("UPDATE claims SET until = now() - interval '1 second' "
                               "WHERE owner = $1", one.owner)
        assert await two.claim("checkin", [4, 5, 6]) == {"4", "5", "6"}
        assert await one.claim("checkin", [6, 7]) == set()
        async with two.pool.acquire() as conn:
            assert await conn.fetchval("SELECT COUNT(*) FROM claims WHERE owner = $1",
                                       one.owner) == 0, "run-out claims are cleared"
    finally:
        await one.close()
        await two.close()
