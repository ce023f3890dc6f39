"""/network and /overview: a coordinator's view of the partnerships that chose to link
(issue 19). In a private chat a coordinator starts a network, gets link codes and
invitations for co-coordinators and sets the weekly digest; in a group an admin links,
shares summaries or unlinks (consent.py). Every overview button names its network and
is checked on press: only that network's coordinators, only groups linked to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.callbacks import Data, button
from bot.core.context import Ctx, esc, stale
from bot.core.entities import Network as NetworkRow
from bot.core.feature import Command, Feature
from bot.core.flows import Flow
from bot.core.i18n import Texts
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply
from bot.core.ports import Store
from bot.features.network import codes, consent, digest, report, schedule, view
from bot.features.network.codes import (
    INVITE_VALID,
    LINK_VALID,
    digest_of,
    new_code,
    normal,
)
from bot.features.network.facts import Facts, Tally, gather, urgency

SWEEP_EVERY = timedelta(hours=1)  # how often unlinked groups' rows and old wrong codes go


@button("nwc")
@dataclass(frozen=True)
class NewCode(Data):
    network: int


@button("nwi")
@dataclass(frozen=True)
class Invite(Data):
    network: int


@button("nwp")
@dataclass(frozen=True)
class Page(Data):
    network: int
    page: int


@button("nwo")
@dataclass(frozen=True)
class Card(Data):
    network: int
    chat: int


@button("nwr")
@dataclass(frozen=True)
class Report(Data):
    network: int
    chart: bool  # the chart, else the export (CSV and XLSX)


class Network(Feature):
    def __init__(self, store: Store, texts: Callable[[str], Texts], flow: Flow,
                 tally: Tally) -> None:
        self.store, self.texts, self.flow, self.tally = store, texts, flow, tally
        self.swept: datetime | None = None  # when unlinked rows were last cleared

    def commands(self) -> list[Command]:
        return [Command("network", self.network,
                        _("Networks: coordinators start one, groups link or unlink")),
                Command("overview", self.overview,
                        _("In a private chat: a coordinator's overview of the network"),
                        in_menu=False)]

    def buttons(self) -> dict:
        return {consent.Link: self.link, consent.Unlink: consent.unlink,
                consent.Share: consent.share, NewCode: self.new_code, Invite: self.invite,
                Page: self.page, Card: self.card, Report: self.report}

    # -- /network ------------------------------------------------------------------

    async def network(self, ctx: Ctx, args: str) -> Outcome:
        first = args.split()[0].lower() if args.split() else ""
        if ctx.in_group:
            if first == "unlink":
                return await consent.unlink_all(ctx)
            if args:
                return await consent.ask(ctx, args)
            return await consent.status(ctx)
        if first == "digest":
            return await self.set_digest(ctx, args.split()[1:])
        if args and normal(args) is not None:
            return await self.join(ctx, normal(args))
        if args:
            return await self.start(ctx, args)
        return await self.mine(ctx)

    async def _code(self, ctx: Ctx, network_id: int, purpose: str) -> str:
        code = new_code()
        valid = LINK_VALID if purpose == "link" else INVITE_VALID
        await ctx.repo.add_network_code(network_id, digest_of(normal(code)), purpose,
                                        ctx.now + valid)
        return code

    async def start(self, ctx: Ctx, name: str) -> Outcome:
        t = ctx.t
        name = " ".join(name.split())[:80]
        network = await ctx.repo.add_network(name, ctx.actor.user_id, ctx.chat.id, ctx.now)
        code = await self._code(ctx, network.id, "link")
        return Outcome().say(t._(
            "🧭 Network <b>{name}</b> started. Its link code: <code>{code}</code> (valid for "
            "30 days)\n\nGive it to the partnerships you support. An admin of a group sends "
            "<code>/network {code}</code> in the group, sees what you will see, and decides. "
            "Nothing of a group that did not link is ever shown to you.\n\n/overview shows "
            "the linked partnerships; /network shows your networks, new codes and "
            "invitations for co-coordinators.", name=esc(name), code=code))

    async def mine(self, ctx: Ctx) -> Outcome:
        t = ctx.t
        networks = await ctx.repo.networks_of(ctx.actor.user_id)
        if not networks:
            return Outcome().say(t._(
                "🧭 <b>Networks</b>\nDo you support several partnerships (a volunteer centre, "
                "a welfare partner)? Start a network: send /network with its name, for "
                "example <code>/network Vrijwilligerscentrale Utrecht</code>. Groups choose "
                "themselves whether to link."))
        lines, buttons = [t._("🧭 <b>Your networks</b>")], []
        for network in networks:
            links = await ctx.repo.network_links(network.id)
            mine = next(c for c in await ctx.repo.coordinators(network.id)
                        if c.user_id == ctx.actor.user_id)
            when = schedule.describe(mine.digest, t) if mine.digest else t._("off")
            lines.append(t._("• <b>{name}</b>: {n} linked · weekly digest: {when}",
                             name=esc(network.name), n=len(links), when=when))
            buttons.append([Button(t._("🔑 Link code · {name}", name=network.name[:24]),
                                   NewCode(network.id).encode()),
                            Button(t._("👥 Invite"), Invite(network.id).encode())])
        lines += ["", t._("/overview shows the partnerships. The weekly digest: "
                          "<code>/network digest monday 9:00</code>, or "
                          "<code>/network digest off</code>.")]
        return Outcome([Reply("\n".join(lines), buttons)])

    async def link(self, ctx: Ctx, data: consent.Link, message_id: int | None) -> Outcome:
        return await consent.link(ctx, data, message_id)

    async def join(self, ctx: Ctx, code: str) -> Outcome:
        t = ctx.t
        if await codes.blocked(ctx.repo, ctx.chat.id, ctx.now):
            return Outcome().say(consent.wait(ctx))
        found = await ctx.repo.network_code(digest_of(code), ctx.now)
        if found is None:
            if await codes.missed(ctx.repo, ctx.chat.id, ctx.now):
                return Outcome().say(consent.wait(ctx))
            return Outcome().say(t._("That code is unknown or expired."))
        await codes.fitted(ctx.repo, ctx.chat.id)
        network_id, purpose = found
        if purpose == "link":
            return Outcome().say(t._("That is a link code for groups: an admin sends it in "
                                     "the group's chat."))
        await ctx.repo.drop_network_code(digest_of(code))  # an invitation is used once
        await ctx.repo.add_coordinator(network_id, ctx.actor.user_id, ctx.chat.id, ctx.now)
        network = await ctx.repo.network(network_id)
        return Outcome().say(t._("👥 You are now a coordinator of {name}. /overview shows "
                                 "its partnerships.", name=esc(network.name)))

    async def set_digest(self, ctx: Ctx, args: list[str]) -> Outcome:
        t = ctx.t
        networks = await ctx.repo.networks_of(ctx.actor.user_id)
        if not networks:
            return await self.mine(ctx)
        off = bool(args) and args[0].lower() in ("off", "uit", "stop")
        rule = None if off else schedule.parse(args)
        if rule is None and not off:
            return Outcome().say(t._("Which day and time? For example "
                                     "<code>/network digest monday 9:00</code>."))
        at = schedule.next_moment(rule, ctx.chat.timezone, ctx.now) if rule else None
        for network in networks:
            await ctx.repo.set_digest(network.id, ctx.actor.user_id, rule, at)
        if rule is None:
            return Outcome().say(t._("🔕 The weekly digest is off."))
        return Outcome().say(t._("📬 The weekly digest comes {when}; the first on {date}.",
                                 when=schedule.describe(rule, t),
                                 date=t.datetime(at, ctx.chat.timezone)))

    # -- who may see what ------------------------------------------------------------

    async def _coordinated(self, ctx: Ctx, network_id: int) -> NetworkRow | None:
        """The network, when the one pressing coordinates it, in their private chat."""
        if ctx.in_group:
            return None
        return next((n for n in await ctx.repo.networks_of(ctx.actor.user_id)
                     if n.id == network_id), None)

    async def new_code(self, ctx: Ctx, data: NewCode, message_id: int | None) -> Outcome:
        network = await self._coordinated(ctx, data.network)
        if network is None:
            return stale(ctx)
        code = await self._code(ctx, network.id, "link")
        return Outcome().say(ctx.t._("🔑 A new link code for {name}: <code>{code}</code> "
                                     "(valid for 30 days). Groups send "
                                     "<code>/network {code}</code>.",
                                     name=esc(network.name), code=code))

    async def invite(self, ctx: Ctx, data: Invite, message_id: int | None) -> Outcome:
        network = await self._coordinated(ctx, data.network)
        if network is None:
            return stale(ctx)
        code = await self._code(ctx, network.id, "invite")
        return Outcome().say(ctx.t._(
            "👥 An invitation to coordinate {name} with you: <code>{code}</code>. Your "
            "colleague sends <code>/network {code}</code> in a private chat with me within "
            "7 days; it works once.", name=esc(network.name), code=code))

    # -- /overview -----------------------------------------------------------------

    async def facts(self, repo: Store, network_id: int, now: datetime) -> list[Facts]:
        found = [await gather(repo, link.chat_id, link.share_summaries, now, self.flow,
                              self.tally) for link in await repo.network_links(network_id)]
        return sorted((f for f in found if f is not None), key=urgency)

    async def overview(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        if ctx.in_group:
            return Outcome().say(t._("The overview is for a network's coordinators, in a "
                                     "private chat with me."))
        networks = await ctx.repo.networks_of(ctx.actor.user_id)
        if not networks:
            return await self.mine(ctx)
        outcome = Outcome()
        for network in networks:
            outcome.replies.append(await self._page(ctx, network, 0))
        return outcome

    async def _page(self, ctx: Ctx, network: NetworkRow, page: int,
                    edit: int | None = None) -> Reply:
        t = ctx.t
        facts = await self.facts(ctx.repo, network.id, ctx.now)
        pages = max(1, -(-len(facts) // view.PAGE))
        page = min(max(page, 0), pages - 1)
        shown = facts[page * view.PAGE:(page + 1) * view.PAGE]
        buttons = [[Button(f"📇 {f.title[:40] or '?'}", Card(network.id, f.chat_id).encode())]
                   for f in shown]
        nav = []
        if page > 0:
            nav.append(Button(t._("⬅️ Previous"), Page(network.id, page - 1).encode()))
        if page < pages - 1:
            nav.append(Button(t._("Next ➡️"), Page(network.id, page + 1).encode()))
        if nav:
            buttons.append(nav)
        if facts:
            buttons.append([Button(t._("📊 Chart"), Report(network.id, True).encode()),
                            Button(t._("📄 Export"), Report(network.id, False).encode())])
        text = view.overview(t, network.name, shown, page * view.PAGE, len(facts))
        return Reply(text, buttons, edit=edit)

    async def page(self, ctx: Ctx, data: Page, message_id: int | None) -> Outcome:
        network = await self._coordinated(ctx, data.network)
        if network is None:
            return stale(ctx)
        return Outcome([await self._page(ctx, network, data.page, edit=message_id)])

    async def card(self, ctx: Ctx, data: Card, message_id: int | None) -> Outcome:
        network = await self._coordinated(ctx, data.network)
        links = await ctx.repo.network_links(data.network) if network else []
        link = next((item for item in links if item.chat_id == data.chat), None)
        if link is None:
            return stale(ctx)
        facts = await gather(ctx.repo, link.chat_id, link.share_summaries, ctx.now,
                             self.flow, self.tally)
        if facts is None:
            return stale(ctx)
        return Outcome([Reply(view.card(ctx.t, facts, ctx.chat.timezone))])

    async def report(self, ctx: Ctx, data: Report, message_id: int | None) -> Outcome:
        t = ctx.t
        network = await self._coordinated(ctx, data.network)
        if network is None:
            return stale(ctx)
        facts = await self.facts(ctx.repo, network.id, ctx.now)
        zone = ctx.chat.timezone
        today = ctx.now.astimezone(ZoneInfo(zone)).date()
        stem = f"network-{network.id}-{today.isoformat()}"
        if not data.chart:
            return Outcome([
                Reply(t._("📄 {name}: one row per partnership, no names or free text.",
                          name=esc(network.name)),
                      file=(f"{stem}.csv", report.to_csv(t, facts, zone))),
                Reply("", file=(f"{stem}.xlsx", report.to_xlsx(t, facts, zone, network.name)))])
        picture = report.chart(t, network.name, facts, t.date(today))
        if picture is None:
            return Outcome(toast=t._("No linked partnership has a scan with three or more "
                                     "respondents yet."), alert=True)
        return Outcome([Reply(t._("📊 The five conditions across {name}: the average of "
                                  "each partnership's last scan (three or more "
                                  "respondents).", name=esc(network.name)),
                              file=(f"{stem}.png", picture))])

    # -- the weekly digest -------------------------------------------------------------

    async def due(self, now: datetime) -> AsyncIterator[tuple[int, Outcome]]:
        if self.swept is None or now - self.swept >= SWEEP_EVERY:
            async with self.store.transaction() as unit:
                await unit.forget_unlinked(now - digest.KEEP_UNLINKED)
                await unit.forget_wrong_codes(now - codes.GUESS_WINDOW)
            self.swept = now
        for coordinator in await self.store.due_digests(now):
            async with self.store.transaction() as unit:
                item = await digest.prepare(unit, coordinator, now, self.texts, self.facts)
            if item is not None:
                yield item
