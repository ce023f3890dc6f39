"""What the bot keeps, as plain data: the store hands these out, the features read them."""

from __future__ import annotations

from dataclasses import dataclass


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
    state: str
    status: str


@dataclass
class Answer:
    id: int
    step: str
    user_id: int
    user_name: str
    organisation_id: int | None
    value: object
    skipped: bool
    created_at: str
    message_id: int | None = None
    note: str | None = None  # what the member typed after choosing "Other"


@dataclass
class Schedule:
    chat_id: int
    rule: str
    timezone: str
    next_at: str | None
    paused_until: str | None


@dataclass
class Checkin:
    id: int
    chat_id: int
    opened_at: str
    closed_at: str | None
    reminded_at: str | None
    remind_at: str | None
    close_at: str | None
    message_id: int | None


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
    opened_at: str
    closed_at: str | None
    message_id: int | None


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
    run: Run | None = None  # its run, when the store read them together (the hot path)
