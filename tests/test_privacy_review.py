"""The privacy review in README.md ("## Privacy", its table of what is kept about people)
checked against the code: every table and column of a freshly migrated database is either
named in the review or listed here as holding nothing about a person. A new column that
holds personal data fails this test until the review names it (issue 15, item 8)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.store.sqlite import SqliteStore

README = Path(__file__).resolve().parent.parent / "README.md"

# Columns that hold nothing about a person, and why.
NOT_PERSONAL: dict[str, dict[str, str]] = {
    "chats": {
        "id": "the chat's Telegram id (a private chat's is the person's: its row is named)",
        "type": "group, supergroup or private",
        "language": "the chat's setting",
        "timezone": "the chat's setting",
        "active": "whether the bot is still in the chat",
        "last_tip": "the last tip shown, from the library",
        "retention_warned_at": "when the group was warned of deletion",
    },
    "organisations": {"id": "", "chat_id": "", "name": "a partner organisation, not a person",
                      "created_at": "when it was added"},
    "members": {"chat_id": ""},
    "flow_runs": {"id": "", "chat_id": "", "flow": "", "number": "", "state": "the step",
                  "status": "", "started_at": "the group's", "updated_at": "the group's"},
    "answers": {"id": "", "run_id": "", "chat_id": "", "step": "the question's id"},
    "prompts": {"chat_id": "", "message_id": "the bot's own message", "run_id": "",
                "step": "", "draft": "unused since migration 7: always empty",
                "created_at": "when the bot sent it", "kind": "", "ref": ""},
    "drafts": {"chat_id": "", "run_id": "", "step": ""},
    "schedules": {"chat_id": "", "rule": "the group's rhythm", "timezone": "",
                  "next_at": "", "paused_until": ""},
    "checkins": {"id": "", "chat_id": "", "opened_at": "the round's", "closed_at": "",
                 "reminded_at": "", "remind_at": "", "close_at": "",
                 "message_id": "the bot's own message"},
    "checkin_answers": {"id": "", "checkin_id": "", "chat_id": "", "question": "its id"},
    "scans": {"id": "", "chat_id": "", "number": "", "anonymous": "",
              "opened_at": "the scan's", "closed_at": "the scan's",
              "message_id": "the bot's own message",
              "respondents": "how many took part in an anonymous scan"},
    "scan_scores": {"id": "", "scan_id": "", "chat_id": "", "condition": "its id"},
    "scan_voters": {"scan_id": "", "chat_id": ""},
    "processed_updates": {"update_id": "Telegram's number of an update",
                          "processed_at": "kept a week"},
    "schema_migrations": {"version": "", "applied_at": ""},
    "networks": {"id": "", "name": "the network's name", "created_at": ""},
    "network_codes": {"code_hash": "a link code's hash", "network_id": "", "purpose": "",
                      "expires_at": ""},
    "network_links": {"network_id": "", "chat_id": "a group",
                      "share_summaries": "the group's choice", "linked_at": "the group's",
                      "unlinked_at": "the group's"},
    "network_coordinators": {"network_id": ""},
}


def review() -> str:
    """The "## Privacy" section of the README, up to the next section."""
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Privacy\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def named() -> dict[str, set[str]]:
    """Per table of the review's table, the columns its "personal data" cell names."""
    found: dict[str, set[str]] = {}
    for line in review().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        table = re.fullmatch(r"`([a-z_]+)`", cells[0]) if len(cells) >= 3 else None
        if table:
            found.setdefault(table[1], set()).update(re.findall(r"`([a-z_]+)`", cells[1]))
    return found


async def columns(tmp_path) -> dict[str, list[str]]:
    path = tmp_path / "fresh.sqlite3"
    await (await SqliteStore.open(path)).close()
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: [c[1] for c in db.execute(f"PRAGMA table_info({t})")] for t in tables}


async def test_every_column_is_named_in_the_review_or_holds_nothing_personal(tmp_path):
    schema = await columns(tmp_path)
    review_names = named()
    unnamed = [f"{table}.{column}" for table, cols in schema.items() for column in cols
               if column not in review_names.get(table, set())
               and column not in NOT_PERSONAL.get(table, {})]
    assert not unnamed, (
        f"name these in README.md's privacy review (or, if they hold nothing about a "
        f"person, in NOT_PERSONAL here): {unnamed}")


async def test_the_review_and_the_list_name_only_what_exists(tmp_path):
    schema = await columns(tmp_path)
    for table, cols in [*named().items(), *NOT_PERSONAL.items()]:
        assert table in schema, f"no table {table}"
        assert set(cols) <= set(schema[table]), f"{table}: {set(cols) - set(schema[table])}"
    both = {(t, c) for t, cols in named().items() for c in cols
            if c in NOT_PERSONAL.get(t, {})}
    assert not both, f"personal in the review, not personal here: {both}"


def test_the_review_says_where_who_how_long_and_what_deletes():
    text = review()
    assert len(named()) >= 8, "the review's table was not found"
    for needed in ("DATABASE_PATH", "DATABASE_URL", "RETENTION_DAYS", "BOT_DATA_KEY",
                   "/export", "/vergeet", "/vergeetmij", "/mijngegevens", "*Admins*",
                   "*A linked coordinator*", "*The group's members*", "/netwerk los",
                   "**Anonymous scans**", "at least two of its members"):
        assert needed in text, needed
