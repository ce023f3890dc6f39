"""Ports: what the features need from the outside world, as protocols. The SQLite store
(bot/store/sqlite), the in-memory store (bot/store/memory) and any later store provide
`Store` (tests/test_store_contract.py holds them to it); the Telegram adapter provides the
admin check; `Clock` is in bot/core/clock.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Protocol

from bot.core.entities import (
    Answer,
    Chat,
    Checkin,
    CheckinAnswer,
    Coordinator,
    Member,
    Network,
    NetworkLink,
    Organisation,
    Prompt,
    Run,
    Scan,
    ScanScore,
    Schedule,
)

# Is this user an admin of this chat? (chat id, user id)
AdminCheck = Callable[[int, int], Awaitable[bool]]


class Store(Protocol):
    """Every chat's data. One unit of work at a time: `transaction()` (or an adapter's
    batch) commits everything inside it together, or nothing. Every moment it hands out is
    a timezone-aware datetime in UTC; how it keeps them is its own business."""

    async def close(self) -> None: ...

    def transaction(self) -> AbstractAsyncContextManager[Store]:
        """One unit of work: everything inside commits together or not at all."""

    def batch(self, update_ids: list[int], now: datetime) -> AbstractAsyncContextManager[Store]:
        """Several updates' work in one transaction (group commit)."""

    async def mark_update(self, update_id: int, now: datetime) -> bool:
        """Record an update id; False when it was processed before (a redelivery)."""

    async def forget_updates(self, before: datetime) -> None: ...

    async def chat(self, chat_id: int) -> Chat | None: ...

    async def ensure_chat(
        self, chat_id: int, type_: str, title: str, language: str, timezone: str, now: datetime
    ) -> Chat: ...

    async def set_language(self, chat_id: int, language: str) -> None: ...

    async def last_tip(self, chat_id: int) -> str | None: ...

    async def set_last_tip(self, chat_id: int, tip_id: str) -> None: ...

    async def migrate_chat(self, old: int, new: int) -> bool:
        """A group became a supergroup: its rows follow the new id (foreign keys cascade)."""

    async def stale_chats(
        self, before: datetime
    ) -> list[tuple[int, datetime, datetime | None]]:
        """Chats not used since `before`: (id, last active, when they were warned)."""

    async def set_retention_warned(self, chat_id: int, now: datetime) -> None: ...

    async def memberships(self, user_id: int) -> list[tuple[int, str, str, str | None]]:
        """Every chat where this person is a member: (chat id, title, name, organisation)."""

    async def answers_by(self, user_id: int) -> list[tuple[int, str, str, object]]:
        """(chat id, flow, step, value) of everything this person answered."""

    async def forget_member(self, user_id: int) -> int:
        """Anonymise this person's answers everywhere and drop their memberships; they
        stop coordinating networks (one left without coordinators is deleted, with its
        codes and links) and links they made no longer name them. How many answers."""

    async def set_timezone(self, chat_id: int, timezone: str) -> None: ...

    async def set_active(self, chat_id: int, active: bool) -> None: ...

    async def organisations(self, chat_id: int) -> list[Organisation]: ...

    async def add_organisation(self, chat_id: int, name: str, now: datetime) -> bool: ...

    async def rename_organisation(self, chat_id: int, org_id: int, name: str) -> bool: ...

    async def remove_organisation(self, chat_id: int, org_id: int) -> bool: ...

    async def member(self, chat_id: int, user_id: int) -> Member | None: ...

    async def members(self, chat_id: int) -> list[Member]: ...

    async def ensure_member(
        self, chat_id: int, user_id: int, name: str, anonymous_admin: bool, now: datetime
    ) -> Member: ...

    async def set_member_organisation(self, chat_id: int, user_id: int, org_id: int) -> None: ...

    async def run(self, run_id: int) -> Run | None: ...

    async def latest_run(self, chat_id: int, flow: str) -> Run | None: ...

    async def start_run(self, chat_id: int, flow: str, state: str, now: datetime) -> Run: ...

    async def update_run(self, run_id: int, state: str, status: str, now: datetime) -> None: ...

    async def add_answer(
        self,
        run_id: int,
        chat_id: int,
        step: str,
        user_id: int,
        user_name: str,
        organisation_id: int | None,
        value: object,
        now: datetime,
        *,
        skipped: bool = False,
        message_id: int | None = None,
        note: str | None = None,
    ) -> int: ...

    async def answer_to(self, chat_id: int, message_id: int) -> tuple[Answer, str] | None:
        """The answer given with this message, and its run's flow."""

    async def set_answer_value(self, answer_id: int, value: object) -> None: ...

    async def set_answer_note(self, answer_id: int, note: str) -> None: ...

    async def answers(self, run_id: int, step: str | None = None) -> list[Answer]:
        """All answers of a run (or one step), oldest first: the history is kept."""

    async def draft(self, chat_id: int, run_id: int, step: str, user_id: int) -> list[str]: ...

    async def set_draft(
        self, chat_id: int, run_id: int, step: str, user_id: int, choices: list[str]
    ) -> None: ...

    async def clear_drafts(self, run_id: int, step: str, user_id: int | None = None) -> None: ...

    async def add_prompt(
        self,
        chat_id: int,
        message_id: int,
        run_id: int | None,
        step: str,
        now: datetime,
        kind: str = "question",
        ref: int | None = None,
    ) -> None: ...

    async def prompt(self, chat_id: int, message_id: int) -> Prompt | None: ...

    async def prompt_and_run(
        self, chat_id: int, message_id: int
    ) -> tuple[Prompt | None, Run | None]:
        """The question a message asked, and its run, in one query (the hot path)."""

    async def schedule(self, chat_id: int) -> Schedule | None: ...

    async def set_schedule(
        self,
        chat_id: int,
        rule: str,
        timezone: str,
        next_at: datetime | None,
        paused_until: date | None = None,
    ) -> None: ...

    async def delete_schedule(self, chat_id: int) -> None: ...

    async def due_schedules(self, now: datetime) -> list[Schedule]: ...

    async def open_checkin(
        self, chat_id: int, now: datetime, remind_at: datetime, close_at: datetime
    ) -> int: ...

    async def checkin(self, checkin_id: int) -> Checkin | None: ...

    async def open_checkin_of(self, chat_id: int) -> Checkin | None: ...

    async def previous_checkin(self, chat_id: int, before: int) -> Checkin | None: ...

    async def checkins_waiting(self, now: datetime) -> list[Checkin]:
        """Open rounds of active chats that are unsent, due a reminder, or due to close."""

    async def set_checkin_message(self, checkin_id: int, message_id: int) -> None: ...

    async def mark_reminded(self, checkin_id: int, now: datetime) -> None: ...

    async def close_checkin(self, checkin_id: int, now: datetime) -> None: ...

    async def add_checkin_answer(
        self,
        checkin_id: int,
        chat_id: int,
        user_id: int,
        user_name: str,
        organisation_id: int | None,
        question: str,
        value: str,
        now: datetime,
    ) -> None: ...

    async def checkin_answers(self, checkin_id: int) -> list[CheckinAnswer]:
        """The answer that counts per member and question: their last one."""

    async def open_scan(self, chat_id: int, anonymous: bool, salt: str, now: datetime) -> Scan: ...

    async def scan(self, scan_id: int) -> Scan | None: ...

    async def latest_scan(
        self, chat_id: int, *, closed: bool | None = None, before: int | None = None
    ) -> Scan | None: ...

    async def set_scan_message(self, scan_id: int, message_id: int) -> None: ...

    async def close_scan(self, scan_id: int, now: datetime) -> None: ...

    async def add_scan_score(
        self,
        scan_id: int,
        chat_id: int,
        respondent: int,
        user_name: str,
        organisation_id: int | None,
        condition: str,
        score: int | None,
        remark: str | None,
        now: datetime,
    ) -> None: ...

    async def scan_scores(self, scan_id: int) -> list[ScanScore]:
        """Per respondent and condition the last score; every remark. The rows of an
        anonymised scan (see `anonymise_scan`) each count as they are."""

    async def scan_voter(self, scan_id: int, chat_id: int, voter: int, token: int) -> int:
        """The token an open anonymous scan's voter (a salted hash of their user id) scores
        under: the one they got before, else `token`, kept until the scan is anonymised."""

    async def anonymise_scan(self, scan_id: int, kept: list[ScanScore], respondents: int,
                             day: datetime) -> None:
        """A closed anonymous scan loses every link to a person: its scores and remarks
        become `kept` (in that order, dated `day`), its voters and salt are deleted, and
        `respondents` is kept as the number who took part."""

    async def count(self, table: str, chat_id: int | None = None) -> int: ...

    async def export_chat(self, chat_id: int) -> dict[str, list[dict]]:
        """Every row the bot holds for one chat, table by table, answers opened."""

    async def forget_chat(self, chat_id: int) -> None:
        """Delete every row of one chat (children first, so no foreign key is left dangling)."""

    # -- networks: a coordinator's view of the groups that linked (issue 19) ---------

    async def add_network(self, name: str, user_id: int, chat_id: int,
                          now: datetime) -> Network:
        """A new network, with its founder as its first coordinator."""

    async def network(self, network_id: int) -> Network | None: ...

    async def networks_of(self, user_id: int) -> list[Network]:
        """The networks this person coordinates, oldest first."""

    async def coordinators(self, network_id: int) -> list[Coordinator]: ...

    async def add_coordinator(self, network_id: int, user_id: int, chat_id: int,
                              now: datetime) -> bool:
        """False when they coordinate it already."""

    async def add_network_code(self, network_id: int, code_hash: str, purpose: str,
                               expires_at: datetime) -> None:
        """A link code (purpose "link") or a co-coordinator's invitation ("invite"), kept
        only as its hash."""

    async def network_code(self, code_hash: str, now: datetime) -> tuple[int, str] | None:
        """(network id, purpose) of a code that has not expired."""

    async def drop_network_code(self, code_hash: str) -> None: ...

    async def add_wrong_code(self, chat_id: int, now: datetime) -> None:
        """A code typed in this chat that fitted nothing (the limit on guessing)."""

    async def wrong_codes(self, chat_id: int, since: datetime) -> int:
        """How many wrong codes this chat typed since `since`."""

    async def clear_wrong_codes(self, chat_id: int) -> None: ...

    async def forget_wrong_codes(self, before: datetime) -> None: ...

    async def link_chat(self, network_id: int, chat_id: int, user_id: int,
                        now: datetime) -> bool:
        """Linked by this admin; False when the chat was linked already."""

    async def unlink_chat(self, network_id: int, chat_id: int, now: datetime) -> bool:
        """Shown to nobody from now on; the row stays for `unlinked_since` until the chat
        links again or `forget_unlinked`."""

    async def unlinked_since(self, network_id: int, since: datetime) -> list[NetworkLink]:
        """The chats that unlinked after `since` (and did not link again), in that order."""

    async def forget_unlinked(self, before: datetime) -> int:
        """Delete the rows of chats that unlinked before `before`; how many."""

    async def network_links(self, network_id: int) -> list[NetworkLink]:
        """The chats linked to a network, in the order they linked."""

    async def chat_networks(self, chat_id: int) -> list[NetworkLink]: ...

    async def set_share_summaries(self, network_id: int, chat_id: int, share: bool) -> None: ...

    async def set_digest(self, network_id: int, user_id: int, digest: str | None,
                         next_at: datetime | None) -> None: ...

    async def due_digests(self, now: datetime) -> list[Coordinator]: ...

    async def digest_sent(self, network_id: int, user_id: int, next_at: datetime | None,
                          now: datetime) -> None: ...

    async def last_activity(self, chat_id: int) -> datetime | None:
        """When the chat was last used (None: not known)."""
