"""Anonymous scans are anonymous (issue 15, item 6), tried against the real bot: the lone
member of an organisation is never singled out (no organisation average of one, no
respondent id or time in the stored rows or the export once the scan closed), can change
their score while it is open but never vote twice; a named scan stays as it was. And the
anonymous scans kept before this change are made anonymous by the migration."""

from __future__ import annotations

import json
import re
import sqlite3

import aiosqlite
import pytest
from conftest import ON_POSTGRES
from journey import three_of_two

from bot.core.entities import Scan, ScanScore
from bot.features.scan.anonymous import at_close, voter
from bot.store.sqlite import SqliteStore

# These look into the bot's SQLite file itself (TEST_STORE=postgresql runs the bot on
# PostgreSQL: the store contract checks it there).
reads_the_file = pytest.mark.skipif(ON_POSTGRES, reason="reads the bot's SQLite file")

MARKS = ["🎯", "⚖️", "🧭", "🤝", "🏛"]
DAY = "2026-01-05T00:00:00+00:00"  # the fake clock's first day: the scan's day
NOT_SHOWN = "Niet apart getoond, omdat minder dan twee van hun leden meededen: 1 van de 2 " \
    "organisaties."


def database(bot) -> sqlite3.Connection:
    db = sqlite3.connect(bot.settings.database_path)
    db.row_factory = sqlite3.Row
    return db


def rows(bot, sql: str, *args) -> list[dict]:
    with database(bot) as db:
        return [dict(r) for r in db.execute(sql, args)]


def everywhere(bot, value: int) -> list[str]:
    """Every table.column of the database that holds this value."""
    found = []
    with database(bot) as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            for column in [c[1] for c in db.execute(f"PRAGMA table_info({table})")]:
                if db.execute(f"SELECT 1 FROM {table} WHERE {column} = ? OR "
                              f"CAST({column} AS TEXT) = ?", (value, str(value))).fetchone():
                    found.append(f"{table}.{column}")
    return found


async def score(group, member, scan, values: list[int], clock) -> None:
    for mark, value in zip(MARKS, values, strict=True):
        clock.advance(minutes=1)  # every press at its own time
        await group.callback_answer(await member.presses(scan, f"{mark} {value}"))


@reads_the_file
async def test_the_lone_member_of_an_organisation_stays_anonymous(bot, fake, group, clock):
    anna, bram, carla = await three_of_two(group)  # Anna, Bram: Buurthuis; Carla: Voedselbank
    clock.advance(hours=2)
    await anna.sends("/scan")
    await anna.presses(await group.bot_says(containing="Samenwerkingsscan"),
                       "🕶 Start een anonieme scan")
    scan = await group.bot_says(containing="Anonieme samenwerkingsscan #1")
    scan_id = rows(bot, "SELECT id FROM scans")[0]["id"]

    # Carla changes her mind on the first statement, twice, then scores the rest.
    for value in (2, 5):
        clock.advance(minutes=3)
        await group.callback_answer(await carla.presses(scan, f"🎯 {value}"))
    assert "Ingevuld door 0 van 3" in scan.text
    await score(group, carla, scan, [4, 1, 2, 3, 4], clock)
    await scan.edited(containing="Ingevuld door 1 van 3")
    clock.advance(minutes=5)  # and once more after she completed it: still one of three
    await group.callback_answer(await carla.presses(scan, "🎯 4"))

    # While it is open, one voter: kept apart, under a random token, no user id.
    [theirs] = rows(bot, "SELECT * FROM scan_voters")
    token = theirs["token"]
    opened = rows(bot, "SELECT * FROM scan_scores WHERE scan_id = ?", scan_id)
    assert {r["respondent"] for r in opened} == {token}
    assert {r["created_at"] for r in opened} == {DAY}, "no time of a press, only the day"
    assert {r["user_name"] for r in opened} == {""}
    users = {m.user_id for m in await bot.repo.members(group.id)}
    assert not {theirs["voter"], token} & users
    assert "Ingevuld door 1 van 3" in scan.text, "her extra presses are no second vote"

    await bram.replies(scan, "Meer overleg graag")
    await group.bot_says(containing="Opmerking bewaard")
    await score(group, anna, scan, [4, 4, 4, 4, 4], clock)
    await score(group, bram, scan, [2, 2, 2, 2, 2], clock)  # the last: it closes
    await group.bot_says(containing="Uitslag van samenwerkingsscan #1")
    text = (await group.bot_says(containing="deelnemers")).text

    # The result: Voedselbank's average (Carla's scores) is not shown, and it says so.
    assert "3 deelnemers" in text
    assert "Gedeelde ambitie: 3,3" in text  # (4 + 4 + 2) / 3: her last score counts
    assert "Erkende belangen: 2,3" in text  # (1 + 4 + 2) / 3
    assert "Buurthuis" in text and "Gedeelde ambitie: 3,0" in text  # (4 + 2) / 2
    assert "Voedselbank" not in text
    assert NOT_SHOWN in text
    for name in ("Anna", "Bram", "Carla"):
        assert name not in text

    # The stored rows after close: no voter, no token, no time, no organisation of one.
    assert rows(bot, "SELECT * FROM scan_voters") == []
    kept = rows(bot, "SELECT * FROM scan_scores WHERE scan_id = ?", scan_id)
    assert len(kept) == 5 * 3 + 1, "her last score per statement, and the remark"
    assert {(r["respondent"], r["user_name"], r["created_at"]) for r in kept} == {(0, "", DAY)}
    [buurthuis, voedselbank] = [o.id for o in await bot.repo.organisations(group.id)]
    assert sorted(r["score"] for r in kept if r["condition"] == "ambition") == [2, 4, 4]
    assert [r["organisation_id"] for r in kept if r["condition"] == "ambition"] == \
        [None, buurthuis, buurthuis], "sorted: the order of voting is gone too"
    assert voedselbank not in {r["organisation_id"] for r in kept}
    [remark] = [r for r in kept if r["remark"]]
    assert (remark["remark"], remark["organisation_id"]) == ("Meer overleg graag", None)
    [stored] = rows(bot, "SELECT * FROM scans")
    assert (stored["salt"], stored["respondents"]) == ("", 3)
    assert everywhere(bot, token) == [] and everywhere(bot, theirs["voter"]) == []

    # /scan uitslag reads the same result back from the anonymised rows.
    await bram.sends("/scan uitslag")
    await group.bot_says(containing="Uitslag van samenwerkingsscan #1")
    again = (await group.bot_says(containing="deelnemers")).text
    assert again == text

    # The export: what the group saw, and nothing else.
    await anna.sends("/export")
    data = json.loads((await group.bot_says(containing="JSON")).document.data)
    markdown = (await group.bot_says(containing="Markdown")).document.data.decode()
    tables = data["tables"]
    [exported] = tables["scans"]
    assert "salt" not in exported
    result = exported["result"]
    assert result["respondents"] == 3 and result["organisations_not_shown"] == 1
    assert [(a["condition"], a["average"]) for a in result["group"]] == [
        ("ambition", 3.3), ("interests", 2.3), ("process", 2.7), ("relations", 3.0),
        ("organisation", 3.3)]
    assert [o["organisation_label"] for o in result["organisations"]] == ["Buurthuis"]
    assert [r["remark"] for r in tables["scan_scores"]] == ["Meer overleg graag"]
    scan_part = json.dumps([tables["scans"], tables["scan_scores"]])
    for user in users:
        assert str(user) not in scan_part
    assert str(token) not in scan_part
    moments = set(re.findall(r"\d{4}-\d\d-\d\dT[\d:]+\+00:00", scan_part))
    assert moments == {exported["opened_at"], exported["closed_at"], DAY}, "no press's time"
    scans = markdown.split("## Samenwerkingsscans")[1]
    assert "- De groep: Gedeelde ambitie: 3,3 · Erkende belangen: 2,3 · " in scans
    assert "- Buurthuis: Gedeelde ambitie: 3,0" in scans
    assert NOT_SHOWN in scans and "- 💬 Meer overleg graag" in scans
    for name in ("Anna", "Bram", "Carla", "Voedselbank"):
        assert name not in scans, name
    assert not fake.errors, fake.errors


@reads_the_file
async def test_a_named_scan_is_as_it_was(bot, fake, group, clock):
    anna, bram, carla = await three_of_two(group)
    await anna.sends("/scan")
    await anna.presses(await group.bot_says(containing="Samenwerkingsscan"),
                       "▶️ Start de scan")
    scan = await group.bot_says(containing="Samenwerkingsscan #1")
    clock.advance(minutes=1)
    await group.callback_answer(await carla.presses(scan, "🎯 2"))
    await score(group, carla, scan, [5, 1, 2, 3, 4], clock)
    await carla.replies(scan, "Wie trekt wat?")
    await group.bot_says(containing="Opmerking bewaard")
    await score(group, anna, scan, [4, 4, 4, 4, 4], clock)
    await score(group, bram, scan, [2, 2, 2, 2, 2], clock)
    text = (await group.bot_says(containing="deelnemers")).text
    assert "Voedselbank" in text, "a named scan shows every organisation"
    assert "Carla: Wie trekt wat?" in text

    carla_id = carla.id
    kept = rows(bot, "SELECT * FROM scan_scores ORDER BY id")
    mine = [r for r in kept if r["respondent"] == carla_id]
    assert len(mine) == 7, "her history and her remark, as ever"
    assert {r["user_name"] for r in mine} == {"Carla"}
    [_, voedselbank] = [o.id for o in await bot.repo.organisations(group.id)]
    assert {r["organisation_id"] for r in mine} == {voedselbank}
    assert len({r["created_at"] for r in kept}) > 10, "each press at its own time"
    assert rows(bot, "SELECT * FROM scan_voters") == []
    [stored] = rows(bot, "SELECT * FROM scans")
    assert stored["salt"] and stored["respondents"] is None
    await anna.sends("/export")
    await group.bot_says(containing="JSON")
    markdown = (await group.bot_says(containing="Markdown")).document.data.decode()
    assert ("- Carla, Voedselbank: Gedeelde ambitie: 5 · Erkende belangen: 1 · "
            "Betekenisvol proces: 2") in markdown
    assert "- 💬 Carla, Voedselbank: Wie trekt wat?" in markdown
    assert not fake.errors, fake.errors


@reads_the_file
async def test_forgetting_the_chat_takes_an_open_scans_voters_along(bot, fake, group):
    anna, _bram, carla = await three_of_two(group)
    await anna.sends("/scan")
    await anna.presses(await group.bot_says(containing="Samenwerkingsscan"),
                       "🕶 Start een anonieme scan")
    scan = await group.bot_says(containing="Anonieme samenwerkingsscan #1")
    await group.callback_answer(await carla.presses(scan, "🎯 3"))
    assert len(rows(bot, "SELECT * FROM scan_voters")) == 1
    await anna.sends("/vergeet")
    confirm = await group.bot_says(containing="Alles wissen?")
    await anna.presses(confirm, "🗑 Ja, wis alles")
    await confirm.edited(containing="Klaar")
    assert rows(bot, "SELECT * FROM scan_voters") == []


async def test_the_migration_makes_earlier_anonymous_scans_anonymous(tmp_path):
    """Scans kept before: a closed anonymous one with a score changed and an organisation
    of one, an open one, and a named one."""
    path = tmp_path / "old.sqlite3"
    db = await aiosqlite.connect(path, isolation_level=None)
    await SqliteStore(db).migrate(upto=11)
    hidden = {user: voter(Scan(0, -1, 0, 1, "s2", None, None, None), user)
              for user in (7, 8, 9)}
    await db.executescript(f"""
        INSERT INTO chats (id, type, language, timezone, created_at)
            VALUES (-1, 'group', 'nl', 'Europe/Amsterdam', '2026-01-05T09:00:00+00:00');
        INSERT INTO organisations (id, chat_id, name, created_at)
            VALUES (1, -1, 'Buurthuis', '2026-01-05'), (2, -1, 'Voedselbank', '2026-01-05');
        INSERT INTO scans (id, chat_id, number, anonymous, salt, opened_at, closed_at)
            VALUES (1, -1, 1, 1, 's1', '2026-01-05T09:00:00+00:00',
                    '2026-01-06T10:00:00+00:00'),
                   (2, -1, 2, 1, 's2', '2026-02-05T09:00:00+00:00', NULL),
                   (3, -1, 3, 0, 's3', '2026-03-05T09:00:00+00:00', NULL);
        INSERT INTO scan_scores (scan_id, chat_id, respondent, user_name, organisation_id,
                                 condition, score, remark, created_at)
            VALUES (1, -1, 111, '', 1, 'ambition', 5, NULL, '2026-01-05T09:01:00+00:00'),
                   (1, -1, 222, '', 1, 'ambition', 3, NULL, '2026-01-05T09:02:00+00:00'),
                   (1, -1, 333, '', 2, 'ambition', 1, NULL, '2026-01-05T09:03:00+00:00'),
                   (1, -1, 111, '', 1, 'ambition', 4, NULL, '2026-01-05T09:04:00+00:00'),
                   (1, -1, 333, '', 2, 'remark', NULL, 'Wie?', '2026-01-05T09:05:00+00:00'),
                   (1, -1, 111, '', 1, 'process', 2, NULL, '2026-01-05T09:06:00+00:00'),
                   (2, -1, {hidden[7]}, '', 1, 'ambition', 3, NULL,
                    '2026-02-05T09:07:00+00:00'),
                   (3, -1, 8, 'Bram', 2, 'ambition', 2, NULL, '2026-03-05T09:08:00+00:00');
    """)
    await db.close()
    store = await SqliteStore.open(path)
    try:
        closed, still_open = await store.scan(1), await store.scan(2)
        assert (closed.salt, closed.respondents) == ("", 3)
        assert (still_open.salt, still_open.respondents) == ("s2", None)
        assert (await store.scan(3)).salt == "s3"
        async with store.transaction():  # the open scan knows its voter, not as a new one
            assert await store.scan_voter(2, -1, hidden[7], 99) == hidden[7]
            assert await store.scan_voter(2, -1, hidden[8], 98) == 98
        data = await store.export_chat(-1)
    finally:
        await store.close()
    scores = [(r["scan_id"], r["respondent"], r["organisation_id"], r["condition"],
               r["score"], r["remark"], r["created_at"]) for r in data["scan_scores"]]
    assert scores == [
        (2, hidden[7], 1, "ambition", 3, None, "2026-02-05T00:00:00+00:00"),
        (3, 8, 2, "ambition", 2, None, "2026-03-05T09:08:00+00:00"),  # named: as it was
        # The closed one: the last score each, in a fixed order, Voedselbank's one and
        # the lone process score without organisation, no respondent, the scan's day.
        (1, 0, None, "ambition", 1, None, "2026-01-05T00:00:00+00:00"),
        (1, 0, 1, "ambition", 3, None, "2026-01-05T00:00:00+00:00"),
        (1, 0, 1, "ambition", 4, None, "2026-01-05T00:00:00+00:00"),
        (1, 0, None, "process", 2, None, "2026-01-05T00:00:00+00:00"),
        (1, 0, None, "remark", None, "Wie?", "2026-01-05T00:00:00+00:00"),
    ]


def test_an_organisation_average_is_never_one_persons():
    """Per statement: two of Buurthuis scored ambition, only one process; a member who
    moved to Voedselbank halfway counts for one organisation only, not for both."""
    ids = ["ambition", "process"]
    scores = [ScanScore(1, "", 10, "ambition", 4, None), ScanScore(1, "", 10, "process", 2, None),
              ScanScore(2, "", 10, "ambition", 3, None),
              ScanScore(3, "", 20, "ambition", 5, None), ScanScore(3, "", 10, "process", 1, None),
              ScanScore(3, "", 20, "organisation", 2, None),
              ScanScore(4, "", 20, "ambition", 1, None),
              ScanScore(2, "", None, "remark", None, "Wie trekt wat?")]
    kept, respondents = at_close(scores, ids)
    assert respondents == 4
    assert [(k.organisation_id, k.condition, k.score) for k in kept] == [
        (10, "ambition", 3), (10, "ambition", 4), (20, "ambition", 1), (20, "ambition", 5),
        (None, "process", 1), (None, "process", 2), (None, "organisation", 2),
        (None, "remark", None)]
    assert {(k.respondent, k.user_name) for k in kept} == {(0, "")}
    assert kept[-1].remark == "Wie trekt wat?"
