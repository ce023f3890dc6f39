"""A chat with a row in every table of a store, for the store tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.core.clock import FakeClock
from bot.core.ports import Store

ANNA, BRAM = 7, 8
COORDINATOR = 9


@dataclass
class Story:
    chat_id: int
    club: int  # organisation ids
    koor: int
    run: int
    answer: int
    checkin: int
    scan: int


async def fill_chat(store: Store, clock: FakeClock, chat_id: int = -1,
                    title: str = "Samen Sterk") -> Story:
    """Everything a group leaves behind: organisations, members, a run with answers (one
    with a note, one skipped), a prompt, a draft, a schedule, a check-in, a scan, a link
    to a network (Anna linked it; its coordinator is someone else)."""
    now = clock.now()
    async with store.transaction():
        await store.ensure_chat(chat_id, "group", title, "nl", "Europe/Amsterdam", now)
        await store.add_organisation(chat_id, "Buurthuis", now)
        await store.add_organisation(chat_id, "Koor", now)
        club, koor = (o.id for o in await store.organisations(chat_id))
        await store.ensure_member(chat_id, ANNA, "Anna", False, now)
        await store.ensure_member(chat_id, BRAM, "Bram", False, now)
        await store.set_member_organisation(chat_id, ANNA, club)
        run = await store.start_run(chat_id, "process", "why", now)
        answer = await store.add_answer(run.id, chat_id, "why", ANNA, "Anna", club,
                                        ["activities", "other"], now, message_id=100,
                                        note="Samen koken 🍲")
        await store.add_answer(run.id, chat_id, "goal", BRAM, "Bram", None, None, now,
                               skipped=True)
        await store.add_prompt(chat_id, 99, run.id, "why", now)
        await store.set_draft(chat_id, run.id, "why", BRAM, ["network"])
        await store.set_schedule(chat_id, '{"every": "week"}', "Europe/Amsterdam",
                                 now + timedelta(days=7))
        checkin = await store.open_checkin(chat_id, now, now + timedelta(days=1),
                                           now + timedelta(days=3))
        await store.add_checkin_answer(checkin, chat_id, ANNA, "Anna", club, "plan",
                                       "Het loopt stroef", now)
        scan = await store.open_scan(chat_id, False, "salt", now)
        await store.add_scan_score(scan.id, chat_id, ANNA, "Anna", club, "trust", 4, None, now)
        await store.add_scan_score(scan.id, chat_id, ANNA, "Anna", club, "trust", None,
                                   "Meer overleg", now)
        network = await store.add_network("Welzijn", COORDINATOR, COORDINATOR, now)
        await store.link_chat(network.id, chat_id, ANNA, now)
    return Story(chat_id, club, koor, run.id, answer, checkin, scan.id)
