"""What the bot keeps, as plain data: the store hands these out, the features read them.
Moments are timezone-aware datetimes in UTC (as the clock gives them); the stores turn
them into text and back, so no feature reads a stored moment as text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class RunStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DONE = "done"


class RoundStatus(StrEnum):  # a check-in round
    OPEN = "open"
    REMINDED = "reminded"
    CLOSED = "closed"


class ScanStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass
class Chat:
    id: int
    type: str
    title: str
    language: str
    timezone: str
    active: bool


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str


@dataclass
class Member:
    user_id: int
    name: str
    organisation_id: int | None
    anonymous_admin: bool


@dataclass
class Run:
    id: int
    chat_id: int
    flow: str
    number: int
    state: str  # the step the run is at (a flow's step id, or "done")
    status: RunStatus


@dataclass
class Answer:
    id: int
    step: str
    user_id: int
    user_name: str
    organisation_id: int | None
    value: object
    skipped: bool
    created_at: datetime
    message_id: int | None = None
    note: str | None = None  # what the member typed after choosing "Other"


@dataclass
class Schedule:
    chat_id: int
    rule: str  # the checkins feature's Rule, as JSON (the core does not know its shape)
    timezone: str
    next_at: datetime | None
    paused_until: date | None  # a day in the chat's zone, not a moment


@dataclass
class Checkin:
    id: int
    chat_id: int
    opened_at: datetime
    closed_at: datetime | None
    reminded_at: datetime | None
    remind_at: datetime | None
    close_at: datetime | None
    message_id: int | None

    @property
    def status(self) -> RoundStatus:
        """Where the round is in its lifecycle, read from its moments."""
        if self.closed_at is not None:
            return RoundStatus.CLOSED
        return RoundStatus.REMINDED if self.reminded_at is not None else RoundStatus.OPEN


@dataclass
class CheckinAnswer:
    user_id: int
    user_name: str
    organisation_id: int | None
    question: str
    value: str


@dataclass
class Scan:
    id: int
    chat_id: int
    number: int
    anonymous: int
    salt: str
    opened_at: datetime
    closed_at: datetime | None
    message_id: int | None
    # How many took part in an anonymous scan, kept when it closed: its scores no longer
    # say whose they are. None for a named or an open scan (count the respondents).
    respondents: int | None = None

    @property
    def status(self) -> ScanStatus:
        return ScanStatus.CLOSED if self.closed_at is not None else ScanStatus.OPEN


@dataclass
class ScanScore:
    respondent: int
    user_name: str
    organisation_id: int | None
    condition: str
    score: int | None
    remark: str | None


@dataclass
class Prompt:
    run_id: int | None
    step: str
    kind: str = "question"  # question | other (explain "Other") | more (rest of an answer)
    ref: int | None = None  # what a check-in round's or a scan's message is about: its id
    run: Run | None = None  # its run, when the store read them together (the hot path)


@dataclass
class Network:
    """A coordinator's network of partnerships (issue 19)."""
    id: int
    name: str
    created_at: datetime


@dataclass
class NetworkLink:
    """A group linked to a network: its coordinators see its overview, and its summaries
    only when the group chose to share them."""
    network_id: int
    chat_id: int
    share_summaries: bool
    linked_at: datetime


@dataclass
class Coordinator:
    network_id: int
    user_id: int
    chat_id: int  # their private chat with the bot, where the overview and digest go
    digest: str | None  # the weekly digest's "weekday HH:MM" (0 = Monday), None: off
    digest_next_at: datetime | None
    digest_sent_at: datetime | None
