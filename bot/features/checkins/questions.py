"""What a check-in round asks, and who has answered it."""

from __future__ import annotations

from bot.core.entities import Member
from bot.core.i18n import mark as _
from bot.core.ports import Store

QUESTIONS = {"g": ("yes", "partly", "no"), "p": ("yes", "partly", "no"),
             "c": ("go", "adjust", "pause", "stop")}
REQUIRED = tuple(QUESTIONS)
ADJUST = "a"  # the optional free answer, given with a reply
LABELS = {
    ("g", "yes"): _("Yes"), ("g", "partly"): _("Partly"), ("g", "no"): _("No"),
    ("p", "yes"): _("Yes"), ("p", "partly"): _("Partly"), ("p", "no"): _("No"),
    ("c", "go"): _("▶️ Continue"), ("c", "adjust"): _("🔧 Adjust"),
    ("c", "pause"): _("⏸ Pause"), ("c", "stop"): _("⏹ Stop"),
}
TITLES = {"g": _("Same goal?"), "p": _("Going as planned?"), "c": _("How do we go on?"),
          "a": _("Where to adjust")}
NUMBER = {"g": "1️⃣", "p": "2️⃣", "c": "3️⃣"}


async def expected(repo: Store, chat_id: int) -> list[Member]:
    """Who is asked: the chat's members, not the group posting as itself."""
    return [m for m in await repo.members(chat_id) if m.user_id != chat_id]


async def complete(repo: Store, checkin_id: int) -> set[int]:
    """The members who answered all three button questions."""
    given: dict[int, set[str]] = {}
    for answer in await repo.checkin_answers(checkin_id):
        given.setdefault(answer.user_id, set()).add(answer.question)
    return {user for user, questions in given.items() if set(REQUIRED) <= questions}
