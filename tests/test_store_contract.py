"""What every store promises the features (bot.core.ports.Store), checked against the
SQLite store, the PostgreSQL store (on a real server, a database per test) and the
in-memory store alike: same ids, same order, same cascades."""

from __future__ import annotations

import inspect
import sqlite3
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from store_story import ANNA, BRAM, fill_chat

from bot.core.clock import FakeClock
from bot.core.entities import CheckinAnswer, Prompt, ScanScore
from bot.core.ports import Store
from bot.store import layered, open_store
from bot.store.memory import MemoryStore
from bot.store.postgres.store import PostgresStore
from bot.store.rows import CHAT_TABLES, moment
from bot.store.sqlite import SqliteStore

TZ = "Europe/Amsterdam"


KEY = "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # a Fernet key, for the layered stores


async def _open(kind: str, tmp_path, request=None):
    if kind.startswith("postgresql"):
        url = request.getfixturevalue("postgres_url")
        return await (open_store(url, KEY) if "sealed" in kind else PostgresStore.open(url))
    if kind == "sqlite":
        return await SqliteStore.open(tmp_path / "db.sqlite3")
    if kind == "sqlite, sealed and cached":
        return await open_store(tmp_path / "db.sqlite3", KEY)
    if kind == "memory, sealed and cached":
        return await layered(MemoryStore(), KEY)
    return MemoryStore()


# The layers (cipher, cache) keep the contract around any store, so they run it too.
# (PostgreSQL goes without the cache: several workers share its data.)
@pytest.fixture(params=["sqlite", "memory", "postgresql", "sqlite, sealed and cached",
                        "memory, sealed and cached", "postgresql, sealed"])
async def store(request, tmp_path):
    opened = await _open(request.param, tmp_path, request)
    yield opened
    await opened.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def _chat(store, clock, chat_id=-1, title="G"):
    async with store.transaction():
        return await store.ensure_chat(chat_id, "group", title, "nl", TZ, clock.now())


@pytest.mark.parametrize("kind", [SqliteStore, MemoryStore, PostgresStore])
def test_every_method_of_the_port_with_its_exact_signature(kind):
    def shape(function):
        return [(p.name, p.kind, p.default, p.annotation)
                for p in inspect.signature(function).parameters.values()]
    port = {name for name in dir(Store) if not name.startswith("_")}
    assert port <= set(dir(kind))
    for name in port:
        assert shape(getattr(kind, name)) == shape(getattr(Store, name)), name
        assert inspect.iscoroutinefunction(getattr(kind, name)) == \
            inspect.iscoroutinefunction(getattr(Store, name)), name


# -- chats -----------------------------------------------------------------------------

async def test_a_chat_is_made_once_and_keeps_its_settings(store, clock):
    assert await store.chat(-1) is None
    chat = await _chat(store, clock)
    assert (chat.id, chat.type, chat.title, chat.language, chat.timezone, chat.active) == \
        (-1, "group", "G", "nl", TZ, True)
    async with store.transaction():
        again = await store.ensure_chat(-1, "supergroup", "New title", "en", "UTC", clock.now())
    assert (again.type, again.title, again.language, again.timezone) == \
        ("group", "New title", "nl", TZ)
    assert await store.chat(-1) == again
    assert await store.count("chats") == 1


async def test_language_timezone_and_active_are_seen_at_once(store, clock):
    await _chat(store, clock)
    async with store.transaction():
        await store.set_schedule(-1, "weekly", TZ, None)
    for change, seen in ((store.set_language(-1, "en"), ("en", TZ, True)),
                         (store.set_timezone(-1, "Europe/Brussels"),
                          ("en", "Europe/Brussels", True)),
                         (store.set_active(-1, False), ("en", "Europe/Brussels", False))):
        async with store.transaction():
            await change
        async with store.transaction():  # within the hour, and never a stale chat
            chat = await store.ensure_chat(-1, "group", "G", "nl", TZ, clock.now())
        assert (chat.language, chat.timezone, chat.active) == seen
    assert (await store.schedule(-1)).timezone == "Europe/Brussels"
    async with store.transaction():
        await store.set_active(-1, True)
    assert (await store.chat(-1)).active is True


async def test_the_last_tip(store, clock):
    await _chat(store, clock)
    assert await store.last_tip(-1) is None
    async with store.transaction():
        await store.set_last_tip(-1, "fondsen")
    assert await store.last_tip(-1) == "fondsen"
    assert await store.last_tip(-2) is None


async def test_stale_chats_warned_and_used_again(store, clock):
    start = clock.now()
    await _chat(store, clock, -1)
    await _chat(store, clock, -2)
    clock.advance(days=10)
    await _chat(store, clock, -2)
    limit = start + timedelta(days=1)
    assert await store.stale_chats(limit) == [(-1, start, None)]
    async with store.transaction():
        await store.set_retention_warned(-1, clock.now())
    assert await store.stale_chats(limit) == [(-1, start, clock.now())]
    await _chat(store, clock, -1)  # someone uses it: the clock starts again
    assert await store.stale_chats(limit) == []
    assert sorted(await store.stale_chats(clock.now() + timedelta(seconds=1))) == [
        (-2, clock.now(), None), (-1, clock.now(), None)]


# -- organisations and members ---------------------------------------------------------

async def test_organisations_unique_per_chat_renamed_and_removed(store, clock):
    await _chat(store, clock, -1)
    await _chat(store, clock, -2)
    async with store.transaction():
        assert await store.add_organisation(-1, "Club", clock.now())
        assert await store.add_organisation(-1, "Koor", clock.now())
        assert not await store.add_organisation(-1, "Club", clock.now()), "a duplicate"
        assert await store.add_organisation(-2, "Club", clock.now()), "another chat's"
    club, koor = await store.organisations(-1)
    assert [club.name, koor.name] == ["Club", "Koor"] and club.id < koor.id
    async with store.transaction():
        assert not await store.rename_organisation(-1, koor.id, "Club"), "a clash"
        assert await store.rename_organisation(-1, koor.id, "Zangkoor")
        assert await store.rename_organisation(-1, koor.id, "Zangkoor"), "its own name"
        assert not await store.rename_organisation(-2, koor.id, "Elders"), "another chat's"
        assert not await store.rename_organisation(-1, 999, "Nobody")
    assert [o.name for o in await store.organisations(-1)] == ["Club", "Zangkoor"]
    assert [o.name for o in await store.organisations(-2)] == ["Club"]
    async with store.transaction():  # a new id is never one a kept row has
        await store.remove_organisation(-1, club.id)
        await store.add_organisation(-1, "Buurthuis", clock.now())
    ids = [o.id for o in await store.organisations(-1) + await store.organisations(-2)]
    assert len(set(ids)) == 3 and ids[0] == koor.id


async def test_removing_an_organisation_leaves_its_members_and_answers_without(store, clock):
    story = await fill_chat(store, clock)
    async with store.transaction():
        assert await store.remove_organisation(-1, story.club)
        assert not await store.remove_organisation(-1, story.club), "already gone"
    assert [o.id for o in await store.organisations(-1)] == [story.koor]
    assert (await store.member(-1, ANNA)).organisation_id is None
    assert (await store.answers(story.run))[0].organisation_id is None
    assert (await store.checkin_answers(story.checkin))[0].organisation_id is None
    assert {s.organisation_id for s in await store.scan_scores(story.scan)} == {None}
    async with store.transaction():  # the cache, if any, follows
        member = await store.ensure_member(-1, ANNA, "Anna", False, clock.now())
    assert member.organisation_id is None


async def test_members_are_kept_in_the_order_they_came(store, clock):
    await _chat(store, clock)
    async with store.transaction():
        bram = await store.ensure_member(-1, BRAM, "Bram", False, clock.now())
        await store.ensure_member(-1, ANNA, "Anna", True, clock.now())
    clock.advance(minutes=1)
    async with store.transaction():
        await store.ensure_member(-1, 3, "Carla", False, clock.now())
        again = await store.ensure_member(-1, BRAM, "Bram B.", False, clock.now())
    assert (bram.name, bram.organisation_id, bram.anonymous_admin) == ("Bram", None, False)
    assert again.name == "Bram B."
    members = await store.members(-1)
    assert [(m.user_id, m.name, m.anonymous_admin) for m in members] == [
        (ANNA, "Anna", True), (BRAM, "Bram B.", False), (3, "Carla", False)]
    assert await store.member(-1, BRAM) == again
    assert await store.member(-1, 99) is None and await store.member(-2, BRAM) is None


async def test_choosing_an_organisation_takes_earlier_answers_along(store, clock):
    await _chat(store, clock, -1)
    await _chat(store, clock, -2)
    async with store.transaction():
        await store.add_organisation(-1, "Club", clock.now())
        await store.add_organisation(-1, "Koor", clock.now())
        club, koor = await store.organisations(-1)
        await store.ensure_member(-1, ANNA, "Anna", False, clock.now())
        run = await store.start_run(-1, "process", "a", clock.now())
        other = await store.start_run(-2, "process", "a", clock.now())
        await store.add_answer(run.id, -1, "a", ANNA, "Anna", None, "x", clock.now())
        await store.add_answer(run.id, -1, "b", ANNA, "Anna", koor.id, "y", clock.now())
        await store.add_answer(run.id, -1, "c", BRAM, "Bram", None, "z", clock.now())
        await store.add_answer(other.id, -2, "a", ANNA, "Anna", None, "w", clock.now())
        await store.set_member_organisation(-1, ANNA, club.id)
    assert (await store.member(-1, ANNA)).organisation_id == club.id
    assert [a.organisation_id for a in await store.answers(run.id)] == [club.id, koor.id, None]
    assert [a.organisation_id for a in await store.answers(other.id)] == [None]


# -- runs, answers, drafts, prompts ----------------------------------------------------

async def test_runs_are_numbered_per_chat_and_flow(store, clock):
    await _chat(store, clock, -1)
    await _chat(store, clock, -2)
    async with store.transaction():
        first = await store.start_run(-1, "pdca", "plan", clock.now())
        await store.start_run(-1, "process", "why", clock.now())
        second = await store.start_run(-1, "pdca", "plan", clock.now())
        elsewhere = await store.start_run(-2, "pdca", "plan", clock.now())
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert (first.status, first.state, first.flow, first.chat_id) == ("active", "plan", "pdca", -1)
    assert len({first.id, second.id, elsewhere.id}) == 3
    assert await store.latest_run(-1, "pdca") == second
    assert await store.latest_run(-1, "scan") is None
    async with store.transaction():
        await store.update_run(second.id, "do", "paused", clock.now())
    run = await store.run(second.id)
    assert (run.state, run.status, run.number) == ("do", "paused", 2)
    assert await store.run(9999) is None
    with pytest.raises((ValueError, sqlite3.IntegrityError,
                        asyncpg.IntegrityConstraintViolationError)):
        async with store.transaction():
            await store.update_run(second.id, "do", "sleeping", clock.now())
    assert (await store.run(second.id)).status == "paused"


async def test_answers_keep_their_history_values_and_notes(store, clock):
    story = await fill_chat(store, clock)
    clock.advance(minutes=5)
    async with store.transaction():
        later = await store.add_answer(story.run, -1, "why", ANNA, "Anna", story.club,
                                       {"text": "Één plan", "n": 3}, clock.now(), message_id=101)
    answers = await store.answers(story.run)
    assert [(a.step, a.user_id, a.value, a.skipped, a.note, a.message_id) for a in answers] == [
        ("why", ANNA, ["activities", "other"], False, "Samen koken 🍲", 100),
        ("goal", BRAM, None, True, None, None),
        ("why", ANNA, {"text": "Één plan", "n": 3}, False, None, 101)]
    assert answers[2].id == later and answers[0].id == story.answer
    assert answers[2].created_at == clock.now() and answers[2].created_at.tzinfo is UTC
    assert [a.id for a in await store.answers(story.run, "why")] == [story.answer, later]
    assert await store.answers(story.run, "nothing") == []
    async with store.transaction():
        await store.set_answer_value(story.answer, ["network"])
        await store.set_answer_note(later, "typed after Other")
    first, _, last = await store.answers(story.run)
    assert (first.value, first.note, last.note) == (["network"], "Samen koken 🍲",
                                                    "typed after Other")


async def test_an_answer_is_found_by_its_message(store, clock):
    story = await fill_chat(store, clock)
    found, flow = await store.answer_to(-1, 100)
    assert (found.id, found.value, flow) == (story.answer, ["activities", "other"], "process")
    async with store.transaction():  # the same message again: the newest counts
        newer = await store.add_answer(story.run, -1, "why", ANNA, "Anna", None, "more",
                                       clock.now(), message_id=100)
    assert (await store.answer_to(-1, 100))[0].id == newer
    assert await store.answer_to(-1, 555) is None
    assert await store.answer_to(-2, 100) is None


async def test_answers_and_memberships_of_one_person(store, clock):
    one = await fill_chat(store, clock, -1, "Een")
    two = await fill_chat(store, clock, -2, "Twee")
    assert await store.memberships(ANNA) == [(-2, "Twee", "Anna", "Buurthuis"),
                                             (-1, "Een", "Anna", "Buurthuis")]
    assert await store.memberships(BRAM) == [(-2, "Twee", "Bram", None),
                                             (-1, "Een", "Bram", None)]
    assert await store.answers_by(BRAM) == [(-1, "process", "goal", None),
                                            (-2, "process", "goal", None)]
    assert [a[0] for a in await store.answers_by(ANNA)] == [one.chat_id, two.chat_id]
    assert await store.memberships(99) == [] and await store.answers_by(99) == []


async def test_drafts_are_each_members_own(store, clock):
    story = await fill_chat(store, clock)  # Bram has a draft for "why"
    async with store.transaction():
        await store.set_draft(-1, story.run, "why", ANNA, ["a"])
        await store.set_draft(-1, story.run, "why", ANNA, ["a", "b"])
        await store.set_draft(-1, story.run, "goal", ANNA, ["c"])
    assert await store.draft(-1, story.run, "why", ANNA) == ["a", "b"]
    assert await store.draft(-1, story.run, "why", BRAM) == ["network"]
    assert await store.draft(-2, story.run, "why", ANNA) == []
    async with store.transaction():
        await store.clear_drafts(story.run, "why", ANNA)
    assert await store.draft(-1, story.run, "why", ANNA) == []
    assert await store.draft(-1, story.run, "why", BRAM) == ["network"]
    async with store.transaction():
        await store.clear_drafts(story.run, "why")
    assert await store.draft(-1, story.run, "why", BRAM) == []
    assert await store.draft(-1, story.run, "goal", ANNA) == ["c"]
    assert await store.count("drafts", -1) == 1


async def test_prompts_find_their_question_and_run(store, clock):
    story = await fill_chat(store, clock)
    assert await store.prompt(-1, 99) == Prompt(story.run, "why", "question")
    prompt, run = await store.prompt_and_run(-1, 99)
    assert prompt == Prompt(story.run, "why") and run == await store.run(story.run)
    async with store.transaction():
        await store.add_prompt(-1, 200, story.run, "why", clock.now(), kind="other")
        await store.add_prompt(-1, 201, None, "checkin", clock.now(), kind="more")
        await store.add_prompt(-1, 99, story.run, "goal", clock.now())  # the same message
        await store.add_prompt(-1, 202, None, "", clock.now(), kind="checkin", ref=7)
    assert await store.prompt(-1, 202) == Prompt(None, "", "checkin", 7)
    assert await store.prompt_and_run(-1, 202) == (Prompt(None, "", "checkin", 7), None)
    assert await store.prompt_and_run(-1, 200) == (Prompt(story.run, "why", "other"),
                                                   await store.run(story.run))
    assert await store.prompt_and_run(-1, 201) == (Prompt(None, "checkin", "more"), None)
    assert await store.prompt(-1, 99) == Prompt(story.run, "goal")
    assert await store.prompt_and_run(-1, 404) == (None, None)
    assert await store.prompt(-2, 99) is None
    assert await store.count("prompts", -1) == 4


# -- check-ins -------------------------------------------------------------------------

async def test_schedules_and_which_are_due(store, clock):
    now = clock.now()
    for chat_id in (-1, -2, -3, -4):
        await _chat(store, clock, chat_id)
    async with store.transaction():
        await store.set_schedule(-1, "weekly", TZ, now - timedelta(minutes=1))
        await store.set_schedule(-2, "monthly", TZ, now - timedelta(hours=1), date(2026, 9, 1))
        await store.set_schedule(-3, "weekly", TZ, None)  # paused: never due
        await store.set_schedule(-4, "weekly", TZ, now - timedelta(hours=2))
        await store.set_active(-4, False)
    assert [s.chat_id for s in await store.due_schedules(now)] == [-2, -1]
    schedule = await store.schedule(-2)
    assert (schedule.rule, schedule.timezone, schedule.next_at, schedule.paused_until) == \
        ("monthly", TZ, now - timedelta(hours=1), date(2026, 9, 1))
    async with store.transaction():
        await store.set_schedule(-2, "weekly", TZ, now + timedelta(days=7))
        await store.delete_schedule(-1)
    assert await store.due_schedules(now) == []
    assert (await store.schedule(-2)).paused_until is None
    assert await store.schedule(-1) is None and await store.count("schedules") == 3


async def test_checkin_rounds_wait_remind_and_close(store, clock):
    now = clock.now()
    await _chat(store, clock, -1)
    await _chat(store, clock, -2)
    day = timedelta(days=1)
    async with store.transaction():
        first = await store.open_checkin(-1, now, now + day, now + 3 * day)
        await store.close_checkin(first, now)
        second = await store.open_checkin(-1, now, now + day, now + 3 * day)
        elsewhere = await store.open_checkin(-2, now, now + day, now + 3 * day)
        await store.set_active(-2, False)
    assert len({first, second, elsewhere}) == 3
    assert (await store.open_checkin_of(-1)).id == second
    assert (await store.previous_checkin(-1, second)).id == first
    assert await store.previous_checkin(-1, first) is None
    assert (await store.previous_checkin(-1, second + 10)).id == first, "only closed rounds"
    assert [k.id for k in await store.checkins_waiting(now)] == [second], "unsent"
    async with store.transaction():
        await store.set_checkin_message(second, 555)
    assert await store.checkins_waiting(now) == []
    assert [k.id for k in await store.checkins_waiting(now + day)] == [second], "remind"
    async with store.transaction():
        await store.mark_reminded(second, now + day)
    assert await store.checkins_waiting(now + 2 * day) == []
    assert [k.id for k in await store.checkins_waiting(now + 3 * day)] == [second], "close"
    async with store.transaction():
        await store.close_checkin(second, now + 3 * day)
    round_ = await store.checkin(second)
    assert (round_.message_id, round_.reminded_at, round_.closed_at, round_.remind_at) == \
        (555, now + day, now + 3 * day, now + day)
    assert await store.open_checkin_of(-1) is None and await store.checkin(999) is None
    assert await store.checkins_waiting(now + 9 * day) == []


async def test_the_last_checkin_answer_per_member_and_question_counts(store, clock):
    story = await fill_chat(store, clock)
    async with store.transaction():
        for user, name, question, value in ((BRAM, "Bram", "plan", "goed"),
                                            (ANNA, "Anna", "goal", "ja"),
                                            (ANNA, "Anna", "plan", "beter nu")):
            await store.add_checkin_answer(story.checkin, -1, user, name, None, question, value,
                                           clock.now())
    assert await store.checkin_answers(story.checkin) == [
        CheckinAnswer(ANNA, "Anna", None, "plan", "beter nu"),
        CheckinAnswer(BRAM, "Bram", None, "plan", "goed"),
        CheckinAnswer(ANNA, "Anna", None, "goal", "ja")]
    assert await store.checkin_answers(999) == []


# -- scans -----------------------------------------------------------------------------

async def test_scans_are_numbered_and_found(store, clock):
    await _chat(store, clock, -1)
    await _chat(store, clock, -2)
    async with store.transaction():
        first = await store.open_scan(-1, True, "s1", clock.now())
        await store.close_scan(first.id, clock.now())
        other = await store.open_scan(-2, False, "s", clock.now())
        second = await store.open_scan(-1, False, "s2", clock.now())
        await store.set_scan_message(second.id, 77)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert (first.anonymous, first.salt, first.closed_at) == (1, "s1", None)
    assert (await store.scan(first.id)).closed_at == clock.now()
    assert await store.latest_scan(-1) == await store.scan(second.id)
    assert (await store.latest_scan(-1)).message_id == 77
    assert (await store.latest_scan(-1, closed=True)).id == first.id
    assert (await store.latest_scan(-1, closed=False)).id == second.id
    assert await store.latest_scan(-1, before=first.id) is None
    assert (await store.latest_scan(-1, closed=True, before=second.id)).id == first.id
    assert await store.scan(999) is None and await store.latest_scan(-3) is None


async def test_the_last_score_per_respondent_and_condition_and_every_remark(store, clock):
    story = await fill_chat(store, clock)  # Anna: trust 4, a remark
    async with store.transaction():
        for who, condition, score, remark in ((ANNA, "trust", 2, None), (BRAM, "trust", 5, None),
                                              (ANNA, "goal", 3, None), (BRAM, "goal", None, "")):
            await store.add_scan_score(story.scan, -1, who, "x", None, condition, score, remark,
                                       clock.now())
    assert [(s.respondent, s.condition, s.score, s.remark)
            for s in await store.scan_scores(story.scan)] == [
        (ANNA, "trust", 2, None), (BRAM, "trust", 5, None), (ANNA, "goal", 3, None),
        (ANNA, "trust", None, "Meer overleg"), (BRAM, "goal", None, "")]
    assert await store.scan_scores(999) == []
    assert isinstance((await store.scan_scores(story.scan))[0], ScanScore)


# -- updates and the unit of work ------------------------------------------------------

async def test_a_redelivered_update_is_recognised_until_forgotten(store, clock):
    async with store.transaction():
        assert await store.mark_update(42, clock.now())
    async with store.transaction():
        assert not await store.mark_update(42, clock.now())
    clock.advance(days=8)
    async with store.transaction():
        assert await store.mark_update(43, clock.now())
        await store.forget_updates(clock.now() - timedelta(days=7))
    assert await store.count("processed_updates") == 1
    async with store.transaction():
        assert await store.mark_update(42, clock.now()), "forgotten, so new again"
        assert not await store.mark_update(43, clock.now())


async def test_a_batch_records_its_updates_once_and_rolls_back_whole(store, clock):
    async with store.batch([1, 2], clock.now()) as unit:
        assert await unit.mark_update(1, clock.now())
        assert not await unit.mark_update(1, clock.now()), "the same update again"
        async with unit.transaction() as joined:  # a unit's transaction joins it
            await joined.ensure_chat(-3, "group", "G", "nl", TZ, clock.now())
    with pytest.raises(RuntimeError):
        async with store.batch([2, 3], clock.now()) as unit:
            assert not await unit.mark_update(2, clock.now()), "recorded by the last batch"
            assert await unit.mark_update(3, clock.now())
            async with unit.transaction() as joined:
                await joined.ensure_chat(-4, "group", "H", "nl", TZ, clock.now())
            raise RuntimeError("rolled back")
    assert await store.count("chats") == 1
    assert await store.count("processed_updates") == 2
    async with store.transaction():  # on its own again: update 3 was never kept
        assert await store.mark_update(3, clock.now())


async def test_a_failed_transaction_leaves_nothing(store, clock):
    story = await fill_chat(store, clock)
    before = await store.export_chat(-1)
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.ensure_chat(-7, "group", "G", "nl", TZ, clock.now())
            await store.add_answer(story.run, -1, "why", BRAM, "Bram", None, "x", clock.now())
            await store.set_language(-1, "en")
            await store.remove_organisation(-1, story.koor)
            await store.forget_member(ANNA)
            raise RuntimeError("crash halfway")
    assert await store.chat(-7) is None
    assert await store.export_chat(-1) == before
    async with store.transaction():  # a new id is the one the rolled-back answer had
        again = await store.add_answer(story.run, -1, "why", BRAM, "Bram", None, "y",
                                       clock.now())
    assert again == max(a.id for a in await store.answers(story.run))


async def test_nothing_is_served_stale_after_a_change_or_a_rollback(store, clock):
    async with store.transaction():
        await store.ensure_chat(-3, "group", "G", "nl", TZ, clock.now())
        await store.ensure_member(-3, ANNA, "Anna", False, clock.now())
        await store.add_organisation(-3, "Club", clock.now())
        [club] = await store.organisations(-3)
        await store.set_member_organisation(-3, ANNA, club.id)
        await store.set_language(-3, "en")
    async with store.transaction():
        chat = await store.ensure_chat(-3, "group", "G", "nl", TZ, clock.now())
        member = await store.ensure_member(-3, ANNA, "Anna", False, clock.now())
    assert chat.language == "en" and member.organisation_id == club.id
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.ensure_chat(-4, "group", "New", "nl", TZ, clock.now())
            await store.add_organisation(-3, "Koor", clock.now())
            assert len(await store.organisations(-3)) == 2
            raise RuntimeError("rolled back")
    assert [o.name for o in await store.organisations(-3)] == ["Club"]
    async with store.transaction():  # not served from a memory of a rolled-back row
        await store.ensure_chat(-4, "group", "New", "nl", TZ, clock.now())
        await store.ensure_member(-4, BRAM, "Bram", False, clock.now())
    assert await store.count("members", -4) == 1 and await store.count("chats", -4) == 1


# -- a chat as a whole -----------------------------------------------------------------

async def test_a_migrated_chat_takes_every_row_along(store, clock):
    await fill_chat(store, clock, -1)
    await fill_chat(store, clock, -5, "Other group")
    counts = {table: await store.count(table, -1) for table in CHAT_TABLES}
    assert all(counts.values()), counts
    async with store.transaction():  # a message in the new supergroup came first
        await store.ensure_chat(-1001, "supergroup", "Samen Sterk", "nl", TZ, clock.now())
        await store.ensure_member(-1001, 3, "Carla", False, clock.now())
        assert await store.migrate_chat(-1, -1001)
        assert not await store.migrate_chat(-1, -1002), "nothing left to move"
    assert {table: await store.count(table, -1001) for table in CHAT_TABLES} == counts
    assert not any([await store.count(table, -1) for table in CHAT_TABLES])
    chat = await store.chat(-1001)
    assert (chat.type, chat.title) == ("supergroup", "Samen Sterk")
    assert [m.user_id for m in await store.members(-1001)] == [ANNA, BRAM]
    assert (await store.latest_run(-1001, "process")).chat_id == -1001
    assert await store.count("members", -5) == 2


async def test_export_holds_every_row_of_the_chat_and_only_those(store, clock):
    story = await fill_chat(store, clock, -1)
    await fill_chat(store, clock, -2, "Other")
    data = await store.export_chat(-1)
    assert list(data) == list(CHAT_TABLES)
    for table, found in data.items():
        assert len(found) == await store.count(table, -1) > 0, table
        assert {row["id" if table == "chats" else "chat_id"] for row in found} == {-1}, table
    [answer, skipped] = data["answers"]
    assert (answer["id"], answer["value"], answer["note"], answer["skipped"]) == \
        (story.answer, '["activities", "other"]', "Samen koken 🍲", 0)
    assert skipped["skipped"] == 1
    assert data["checkin_answers"][0]["value"] == "Het loopt stroef"
    assert [r["remark"] for r in data["scan_scores"]] == [None, "Meer overleg"]
    assert data["chats"][0]["title"] == "Samen Sterk"
    data["answers"].clear()  # a copy: changing it changes nothing kept
    assert len((await store.export_chat(-1))["answers"]) == 2



async def test_moments_are_utc_datetimes_kept_as_iso_text(store, clock):
    """An entity's moments are timezone-aware datetimes; the rows (and so the database and
    the export) keep them as ISO text, as ever."""
    story = await fill_chat(store, clock, -1)
    now = clock.now()
    schedule, checkin = await store.schedule(-1), await store.checkin(story.checkin)
    scan = await store.scan(story.scan)
    [answer, _] = await store.answers(story.run)
    found = (answer.created_at, schedule.next_at, checkin.opened_at, checkin.remind_at,
             checkin.close_at, scan.opened_at)
    assert found == (now, now + timedelta(days=7), now, now + timedelta(days=1),
                     now + timedelta(days=3), now)
    assert all(isinstance(m, datetime) and m.tzinfo is UTC for m in found)
    data = await store.export_chat(-1)
    assert data["answers"][0]["created_at"] == "2026-01-05T09:00:00+00:00" == now.isoformat()
    assert (data["schedules"][0]["next_at"], data["schedules"][0]["paused_until"]) == \
        ("2026-01-12T09:00:00+00:00", None)
    assert data["checkins"][0]["opened_at"] == data["scans"][0]["opened_at"] == now.isoformat()


def test_a_stored_moment_reads_as_utc():
    assert moment("2026-01-05T10:00:00+01:00") == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert moment("2026-01-05T10:00:00+01:00").tzinfo is UTC
    assert moment("2026-01-05T09:00:00") == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert moment(None) is None and moment("") is None

async def test_forgetting_a_chat_deletes_every_row_of_it(store, clock):
    await fill_chat(store, clock, -1)
    await fill_chat(store, clock, -2, "Other")
    async with store.transaction():
        await store.forget_chat(-1)
    assert {table: await store.count(table, -1) for table in CHAT_TABLES} == \
        dict.fromkeys(CHAT_TABLES, 0)
    assert all([await store.count(table, -2) for table in CHAT_TABLES])
    assert await store.chat(-1) is None and await store.organisations(-1) == []
    assert await store.memberships(ANNA) == [(-2, "Other", "Anna", "Buurthuis")]


async def test_forgetting_a_member_anonymises_them_everywhere(store, clock):
    one = await fill_chat(store, clock, -1)
    await fill_chat(store, clock, -2, "Other")
    async with store.transaction():
        changed = await store.forget_member(ANNA)
    assert changed == 2 * (1 + 1 + 2)  # per chat: an answer, a check-in answer, two scores
    assert [r["linked_by"] for r in (await store.export_chat(-1))["network_links"]] == [None]
    assert await store.memberships(ANNA) == [] and await store.answers_by(ANNA) == []
    assert await store.member(-1, ANNA) is None
    assert [m.user_id for m in await store.members(-1)] == [BRAM]
    answers = await store.answers(one.run)
    assert [(a.user_id, a.user_name) for a in answers] == [(0, ""), (BRAM, "Bram")]
    assert answers[0].value == ["activities", "other"], "the answer itself stays"
    assert [(a.user_id, a.user_name) for a in await store.checkin_answers(one.checkin)] == \
        [(0, "")]
    assert {s.respondent for s in await store.scan_scores(one.scan)} == {0}
    assert await store.forget_member(ANNA) == 0


async def test_count_refuses_an_unknown_table(store):
    with pytest.raises(ValueError):
        await store.count("sqlite_master")


async def test_both_stores_keep_exactly_the_same_rows(tmp_path, clock):
    """The same story told to both stores leaves the same export: same ids, same order."""
    exports = []
    for kind in ("sqlite", "memory"):
        store, story_clock = await _open(kind, tmp_path), FakeClock(clock.now())
        try:
            await fill_chat(store, story_clock, -1)
            await fill_chat(store, story_clock, -2, "Other")
            story_clock.advance(hours=2)
            async with store.transaction():
                await store.forget_chat(-2)
                await store.set_draft(-1, 1, "why", ANNA, ["x"])
                await store.set_draft(-1, 1, "why", BRAM, ["y", "z"])
                await store.add_prompt(-1, 99, 1, "goal", story_clock.now(), "more")
                await store.set_schedule(-1, "monthly", TZ, None)
                await store.ensure_chat(-1, "group", "Renamed", "nl", TZ, story_clock.now())
                await store.ensure_member(-1, 5, "Dirk", False, story_clock.now())
                await store.add_answer(1, -1, "why", 5, "Dirk", None, "new", story_clock.now())
            async with store.transaction():
                await store.migrate_chat(-1, -1009)
            exports.append(await store.export_chat(-1009))
        finally:
            await store.close()
    assert exports[0] == exports[1]
    assert [list(rows[0]) for rows in exports[0].values()] == \
        [list(rows[0]) for rows in exports[1].values()], "the same columns, in order"


# -- networks (issue 19) -------------------------------------------------------------------

def _networks_on(store) -> None:
    """Every store keeps networks (PostgreSQL too, since its migration 11)."""


async def test_a_network_its_coordinators_and_codes(store, clock):
    _networks_on(store)
    now = clock.now()
    async with store.transaction():
        first = await store.add_network("Noord", 7, 7, now)
        other = await store.add_network("Zuid", 8, 8, now)
        assert await store.add_coordinator(first.id, 9, 9, now)
        assert not await store.add_coordinator(first.id, 9, 9, now)  # once
        await store.add_network_code(first.id, "h1", "link", now + timedelta(days=30))
        await store.add_network_code(first.id, "h2", "invite", now + timedelta(days=7))
    assert (first.name, first.created_at) == ("Noord", now)
    assert await store.network(first.id) == first and await store.network(999) is None
    assert [n.id for n in await store.networks_of(9)] == [first.id]
    assert [n.id for n in await store.networks_of(8)] == [other.id]
    assert [c.user_id for c in await store.coordinators(first.id)] == [7, 9]
    assert await store.network_code("h1", now) == (first.id, "link")
    assert await store.network_code("h2", now + timedelta(days=8)) is None  # expired
    async with store.transaction():
        await store.drop_network_code("h1")
    assert await store.network_code("h1", now) is None


async def test_wrong_codes_are_counted_per_chat_and_forgotten(store, clock):
    _networks_on(store)
    now = clock.now()
    async with store.transaction():
        for minutes in (0, 10, 20):
            await store.add_wrong_code(-1, now + timedelta(minutes=minutes))
        await store.add_wrong_code(-2, now)
    assert await store.wrong_codes(-1, now - timedelta(minutes=1)) == 3
    assert await store.wrong_codes(-1, now + timedelta(minutes=5)) == 2  # after `since` only
    assert await store.wrong_codes(-2, now - timedelta(minutes=1)) == 1
    assert await store.wrong_codes(-3, now - timedelta(minutes=1)) == 0
    async with store.transaction():
        await store.forget_wrong_codes(now + timedelta(minutes=10))  # up to and with it
    assert await store.wrong_codes(-1, now - timedelta(minutes=1)) == 1
    assert await store.wrong_codes(-2, now - timedelta(minutes=1)) == 0
    async with store.transaction():
        await store.clear_wrong_codes(-1)
    assert await store.wrong_codes(-1, now - timedelta(minutes=1)) == 0
    async with store.transaction():
        await store.add_wrong_code(-3, now)
        await store.forget_chat(-3)  # /vergeet: its wrong codes go too
    assert await store.wrong_codes(-3, now - timedelta(minutes=1)) == 0


async def test_links_follow_their_chat_and_are_only_the_linked(store, clock):
    _networks_on(store)
    now = clock.now()
    for chat_id in (-1, -2, -3):
        await _chat(store, clock, chat_id)
    async with store.transaction():
        network = await store.add_network("Noord", 7, 7, now)
        assert await store.link_chat(network.id, -1, ANNA, now)
        assert not await store.link_chat(network.id, -1, ANNA, now)
        assert await store.link_chat(network.id, -2, BRAM, now + timedelta(minutes=1))
        await store.set_share_summaries(network.id, -2, True)
    links = await store.network_links(network.id)
    assert [(x.chat_id, x.share_summaries) for x in links] == [(-1, False), (-2, True)]
    assert [x.network_id for x in await store.chat_networks(-2)] == [network.id]
    assert await store.chat_networks(-3) == []
    async with store.transaction():
        assert await store.unlink_chat(network.id, -1, now)
        assert not await store.unlink_chat(network.id, -1, now)  # once
        assert not await store.unlink_chat(network.id, -3, now)
        await store.migrate_chat(-2, -1002)
    assert [x.chat_id for x in await store.network_links(network.id)] == [-1002]
    async with store.transaction():
        await store.forget_chat(-1002)
        await store.ensure_chat(-1002, "supergroup", "Back", "nl", TZ, now)
    assert await store.network_links(network.id) == []  # forgetting takes the link along


async def test_an_unlinked_chat_is_shown_to_nobody_and_named_once(store, clock):
    now = clock.now()
    for chat_id in (-1, -2):
        await _chat(store, clock, chat_id)
    async with store.transaction():
        network = await store.add_network("Noord", 7, 7, now)
        await store.link_chat(network.id, -1, ANNA, now)
        await store.link_chat(network.id, -2, BRAM, now)
        await store.set_share_summaries(network.id, -1, True)
        assert await store.unlink_chat(network.id, -1, now + timedelta(days=1))
        await store.set_share_summaries(network.id, -1, True)  # not while unlinked
    assert [x.chat_id for x in await store.network_links(network.id)] == [-2]
    assert await store.chat_networks(-1) == []
    assert [x.chat_id for x in await store.unlinked_since(network.id, now)] == [-1]
    assert await store.unlinked_since(network.id, now + timedelta(days=1)) == []
    (row,) = (await store.export_chat(-1))["network_links"]  # the group's own export
    assert (row["linked_by"], row["unlinked_at"]) == (ANNA, (now + timedelta(days=1)).isoformat())
    async with store.transaction():  # linking again: a fresh link, summaries not shared
        assert await store.link_chat(network.id, -1, BRAM, now + timedelta(days=2))
    (again,) = [x for x in await store.network_links(network.id) if x.chat_id == -1]
    assert (again.linked_at, again.share_summaries) == (now + timedelta(days=2), False)
    assert await store.unlinked_since(network.id, now) == []
    async with store.transaction():
        await store.unlink_chat(network.id, -2, now + timedelta(days=3))
        assert await store.forget_unlinked(now + timedelta(days=3)) == 0  # not yet
        assert await store.forget_unlinked(now + timedelta(days=4)) == 1
    assert (await store.export_chat(-2))["network_links"] == []
    assert [x.chat_id for x in await store.network_links(network.id)] == [-1]


async def test_a_chat_exports_and_forgets_its_network_links(store, clock):
    await fill_chat(store, clock, -1)
    (row,) = (await store.export_chat(-1))["network_links"]
    assert (row["chat_id"], row["linked_by"], row["unlinked_at"]) == (-1, ANNA, None)
    assert row["linked_at"] == clock.now().isoformat()
    network = row["network_id"]
    assert [x.chat_id for x in await store.network_links(network)] == [-1]
    async with store.transaction():
        await store.forget_chat(-1)
    assert await store.count("network_links", -1) == 0
    assert await store.network_links(network) == []
    assert await store.network(network) is not None  # the coordinator's network stays


async def test_forgetting_a_coordinator(store, clock):
    now = clock.now()
    await fill_chat(store, clock, -1)
    await _chat(store, clock, -2)
    async with store.transaction():
        alone = await store.add_network("Alleen", ANNA, 70, now)
        shared = await store.add_network("Samen", ANNA, 70, now)
        await store.add_coordinator(shared.id, BRAM, 80, now)
        await store.add_network_code(alone.id, "h1", "link", now + timedelta(days=30))
        await store.link_chat(alone.id, -2, BRAM, now)
        await store.link_chat(shared.id, -2, BRAM, now)
    async with store.transaction():
        assert await store.forget_member(ANNA) == 1 + 1 + 2  # answers, as before
    assert await store.networks_of(ANNA) == []
    assert await store.network(alone.id) is None  # nobody left to coordinate it
    assert await store.network_code("h1", now) is None
    assert [x.network_id for x in await store.chat_networks(-2)] == [shared.id]
    assert [c.user_id for c in await store.coordinators(shared.id)] == [BRAM]
    assert [n.id for n in await store.networks_of(BRAM)] == [shared.id]
    (row,) = (await store.export_chat(-1))["network_links"]  # Anna linked it
    assert row["linked_by"] is None
    assert await store.network(row["network_id"]) is not None  # someone else's network


async def test_digests_come_due_and_move_on(store, clock):
    _networks_on(store)
    now = clock.now()
    async with store.transaction():
        network = await store.add_network("Noord", 7, 70, now)
        await store.set_digest(network.id, 7, "0 09:00", now + timedelta(hours=1))
    assert await store.due_digests(now) == []
    (due,) = await store.due_digests(now + timedelta(hours=1))
    assert (due.chat_id, due.digest, due.digest_sent_at) == (70, "0 09:00", None)
    async with store.transaction():
        await store.digest_sent(network.id, 7, now + timedelta(days=7), now)
    assert await store.due_digests(now + timedelta(days=6)) == []
    (coordinator,) = await store.coordinators(network.id)
    assert coordinator.digest_sent_at == now
    async with store.transaction():
        await store.set_digest(network.id, 7, None, None)
    assert await store.due_digests(now + timedelta(days=30)) == []


async def test_last_activity_of_a_chat(store, clock):
    _networks_on(store)
    assert await store.last_activity(-1) is None
    await _chat(store, clock)
    assert await store.last_activity(-1) == clock.now()
    clock.advance(days=3)
    await _chat(store, clock)
    assert await store.last_activity(-1) == clock.now()


# -- anonymous scans (issue 15) ----------------------------------------------------------

async def test_an_open_anonymous_scan_keeps_one_token_per_voter(store, clock):
    await _chat(store, clock, -1)
    await _chat(store, clock, -2)
    async with store.transaction():
        scan = await store.open_scan(-1, True, "s", clock.now())
        other = await store.open_scan(-2, True, "s", clock.now())
        first = await store.scan_voter(scan.id, -1, 111, 5)
        again = await store.scan_voter(scan.id, -1, 111, 6)
        second = await store.scan_voter(scan.id, -1, 222, 7)
        elsewhere = await store.scan_voter(other.id, -2, 111, 8)
    assert (first, again, second, elsewhere) == (5, 5, 7, 8)
    assert (await store.scan(scan.id)).respondents is None


async def test_an_anonymised_scan_keeps_no_link_to_anyone(store, clock):
    story = await fill_chat(store, clock)
    day = datetime(2026, 1, 5, tzinfo=UTC)
    kept = [ScanScore(0, "", story.club, "trust", 4, None),
            ScanScore(0, "", story.club, "trust", 4, None),  # two alike: both count
            ScanScore(0, "", None, "goal", 3, None),
            ScanScore(0, "", None, "remark", None, "Meer overleg 🙂")]
    async with store.transaction():
        scan = await store.open_scan(-1, True, "salt", clock.now())
        token = await store.scan_voter(scan.id, -1, 111, 5)
        for score in (2, 4):
            await store.add_scan_score(scan.id, -1, token, "", story.club, "trust", score, None,
                                       clock.now())
        await store.close_scan(scan.id, clock.now())
        await store.anonymise_scan(scan.id, kept, 2, day)
    closed = await store.scan(scan.id)
    assert (closed.salt, closed.respondents, closed.closed_at) == ("", 2, clock.now())
    assert await store.latest_scan(-1) == closed
    assert await store.scan_scores(scan.id) == kept
    rows = [r for r in (await store.export_chat(-1))["scan_scores"] if r["scan_id"] == scan.id]
    assert [(r["respondent"], r["user_name"], r["created_at"], r["remark"]) for r in rows] == \
        [(0, "", day.isoformat(), None)] * 3 + [(0, "", day.isoformat(), "Meer overleg 🙂")]
    async with store.transaction():  # its voters are gone: a voter now is a new one
        assert await store.scan_voter(scan.id, -1, 111, 9) == 9
    named = await store.scan(story.scan)
    assert (named.salt, named.respondents) == ("salt", None), "a named scan as ever"
    assert len(await store.scan_scores(story.scan)) == 2
