"""The weekly digest to a coordinator, on the day and time they chose (off until they
choose): what changed since the last one (groups that linked, and by name the groups
that unlinked), how many are linked now against then, and what needs attention."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.core.context import esc
from bot.core.entities import Coordinator
from bot.core.i18n import Texts
from bot.core.outcome import Outcome
from bot.core.ports import Store
from bot.features.network import schedule, view
from bot.features.network.facts import Facts

FactsOf = Callable[[Store, int, datetime], Awaitable[list[Facts]]]
KEEP_UNLINKED = timedelta(days=30)  # an unlinked group's row, for the digest, at most


def changes(t: Texts, facts: list[Facts], linked: dict[int, datetime],
            since: datetime) -> list[str]:
    lines = []
    for f in facts:
        title = f"<b>{esc(f.title)}</b>"
        if linked.get(f.chat_id) and linked[f.chat_id] > since:
            lines.append(t._("• {title} linked to the network", title=title))
        if f.checkin_at and f.checkin_at > since:
            lines.append(f"• {title}: {view.verdict(t, f)}")
        if f.scan_at and f.scan_at > since:
            lines.append(f"• {title}: {view.scan_line(t, f)}")
    return lines


async def prepare(repo: Store, coordinator: Coordinator, now: datetime,
                  texts: Callable[[str], Texts],
                  facts_of: FactsOf) -> tuple[int, Outcome] | None:
    """The digest to send now, its next moment planned; None when it is no longer wanted."""
    chat = await repo.chat(coordinator.chat_id)
    network = await repo.network(coordinator.network_id)
    if chat is None or network is None or coordinator.digest is None:
        await repo.digest_sent(coordinator.network_id, coordinator.user_id, None, now)
        return None
    t = texts(chat.language)
    since = coordinator.digest_sent_at or now - timedelta(days=7)
    facts = await facts_of(repo, network.id, now)
    links = await repo.network_links(network.id)
    linked = {link.chat_id: link.linked_at for link in links}
    gone = await repo.unlinked_since(network.id, since)
    lines = [t._("📬 <b>Weekly digest · {name}</b>", name=esc(network.name)), ""]
    changed = changes(t, facts, linked, since)
    for link in gone:  # only the name, once: nothing else of a group that unlinked
        chat = await repo.chat(link.chat_id)
        if chat is not None:
            title = f"<b>{esc(chat.title)}</b>"
            changed.append(t._("• {title} unlinked from the network", title=title))
    lines.append(t._("<b>What changed</b> since {date}", date=t.date(since.date())))
    lines += changed or [t._("Nothing new.")]
    attention = [f for f in facts if f.alerts]
    lines += ["", t._("<b>Needs attention</b>")]
    lines += [f"• <b>{esc(f.title)}</b>: " + "; ".join(view.alert_lines(t, f))
              for f in attention] or [t._("Nothing: every partnership is on track.")]
    # How many were linked at the last digest: those linked before it, still or until
    # they unlinked since.
    before = sum(link.linked_at <= since for link in links) + \
        sum(link.linked_at <= since for link in gone)
    if coordinator.digest_sent_at is not None and before != len(links):
        lines += ["", t._("{n} linked partnerships now, {before} at the last digest. "
                          "/overview shows them all.", n=len(links), before=before)]
    else:
        lines += ["", t._("{n} linked partnerships. /overview shows them all.",
                          n=len(links))]
    await repo.digest_sent(network.id, coordinator.user_id,
                           schedule.next_moment(coordinator.digest, chat.timezone, now), now)
    return coordinator.chat_id, Outcome().say("\n".join(lines))
