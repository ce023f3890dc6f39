"""What keeps an anonymous scan anonymous. While it is open, a voter is a salted hash of
their user id, kept apart (the store's voters) with a random token, and the token is the
only respondent their scores carry: one current score each, changeable, never two. At
close, `at_close` decides what stays: each voter's last score per condition with no token,
their organisation only where at least two of its members scored that condition, and the
remarks; the store then forgets the voters, the salt and every time but the scan's day."""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from datetime import UTC, datetime, time

from bot.core.entities import Scan, ScanScore

MIN_PER_ORGANISATION = 2  # fewer, and an organisation's average would be one person's


def voter(scan: Scan, user_id: int) -> int:
    """The member as this scan's salt hides them (the number scores carried before the
    tokens, so a scan open across the upgrade keeps its voters)."""
    digest = hashlib.sha256(f"{scan.salt}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:7], "big")


def new_token() -> int:
    """Random, so the order of voting cannot be read from it; never 0 (nobody)."""
    return secrets.randbelow(2**53) + 1


def day_of(scan: Scan) -> datetime:
    """The only moment an anonymous scan's rows carry: the day it was opened."""
    return datetime.combine(scan.opened_at.astimezone(UTC).date(), time(), UTC)


def at_close(scores: list[ScanScore], ids: list[str]) -> tuple[list[ScanScore], int]:
    """The rows to keep (scores in a fixed order that says nothing of who or when, then the
    remarks) and how many took part."""
    given = [s for s in scores if s.remark is None and s.score is not None]
    # One organisation per voter (the one most of their scores carry: a member who moved
    # during the scan is not counted in two).
    theirs: dict[int, Counter] = {}
    for s in given:
        theirs.setdefault(s.respondent, Counter())[s.organisation_id] += 1
    organisation = {r: counts.most_common(1)[0][0] for r, counts in theirs.items()}
    voters = Counter((organisation[s.respondent], s.condition) for s in given)

    def shown(s: ScanScore) -> int | None:
        org = organisation[s.respondent]
        return org if org is not None and voters[(org, s.condition)] >= MIN_PER_ORGANISATION \
            else None

    def place(s: ScanScore) -> tuple:
        order = ids.index(s.condition) if s.condition in ids else len(ids)
        return order, s.condition, s.organisation_id or 0, s.score

    kept = sorted((ScanScore(0, "", shown(s), s.condition, s.score, None) for s in given),
                  key=place)
    kept += [ScanScore(0, "", None, s.condition, None, s.remark)
             for s in scores if s.remark is not None]
    return kept, len(organisation)
