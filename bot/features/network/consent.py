"""The group's side: an admin links the group with a coordinator's code after seeing
exactly what the coordinators will see, chooses separately whether to share summaries,
and unlinks at any time (the coordinators' view of the group goes at once)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Data, button
from bot.core.context import Ctx, admins_only, esc, not_this_chat
from bot.core.outcome import Button, Outcome, Reply
from bot.features.network import codes
from bot.features.network.codes import digest_of, normal


@button("nwl")
@dataclass(frozen=True)
class Link(Data):
    chat: int
    code: str  # the code the admin typed here (the group saw it already)


@button("nwu")
@dataclass(frozen=True)
class Unlink(Data):
    chat: int
    network: int


@button("nws")
@dataclass(frozen=True)
class Share(Data):
    chat: int
    network: int
    on: bool


def what_they_see(ctx: Ctx) -> str:
    t = ctx.t
    return t._(
        "<b>What the network's coordinators will see</b> of this group:\n"
        "• the group's name, the phase and how far along it is\n"
        "• how many days since the last activity\n"
        "• the last check-in in numbers (same goal: yes/partly/no; continue/adjust/"
        "pause/stop)\n"
        "• the last scan's averages and weakest condition (only with three or more "
        "respondents)\n"
        "• an alert when the goal is no longer shared, someone asked to stop, a check-in "
        "went unanswered or nothing happened for four weeks\n"
        "• after you unlink: only that you did, once, in their next weekly digest\n\n"
        "<b>Never:</b> your names, who answered what, or what you typed. Only when you "
        "choose to share your summaries (a separate choice, any time) do they also see "
        "the check-in's \"where to adjust\" remarks, without names.")


def wait(ctx: Ctx) -> str:
    return ctx.t._("🙏 That is a few codes in a row that did not fit. Please wait an hour "
                   "before trying again, and ask the coordinator for a fresh code in the "
                   "meantime.")


async def _link_code(ctx: Ctx, raw: str | None) -> tuple[int, str] | str:
    """The network a typed link code is for, or what to answer instead; a wrong code
    counts towards the chat's limit (and a chat that reached it is not checked)."""
    if await codes.blocked(ctx.repo, ctx.chat.id, ctx.now):
        return wait(ctx)
    found = await ctx.repo.network_code(digest_of(raw), ctx.now) if raw else None
    if found is None or found[1] != "link":
        # A typo of the code's form (raw is None) is no guess.
        if raw and await codes.missed(ctx.repo, ctx.chat.id, ctx.now):
            return wait(ctx)
        return ctx.t._("That link code is unknown or expired. Ask the coordinator for a new "
                       "one.")
    await codes.fitted(ctx.repo, ctx.chat.id)
    return found


async def ask(ctx: Ctx, code: str) -> Outcome:
    """`/network CODE` in a group: the consent question, for admins."""
    t = ctx.t
    if not await ctx.is_admin():
        return admins_only(ctx)
    raw = normal(code)
    found = await _link_code(ctx, raw)
    if isinstance(found, str):
        return Outcome().say(found)
    network = await ctx.repo.network(found[0])
    if any(link.network_id == network.id for link in await ctx.repo.chat_networks(ctx.chat.id)):
        return Outcome().say(t._("This group is linked to {name} already.",
                                 name=esc(network.name)))
    text = "\n\n".join([
        t._("🔗 <b>Link this group to the network {name}?</b>", name=esc(network.name)),
        what_they_see(ctx),
        t._("You can unlink any time with /network unlink.")])
    return Outcome([Reply(text, [[Button(t._("✅ Link"), Link(ctx.chat.id, raw).encode())]])])


async def link(ctx: Ctx, data: Link, message_id: int | None) -> Outcome:
    t = ctx.t
    if data.chat != ctx.chat.id or not ctx.in_group:
        return not_this_chat(ctx)
    if not await ctx.is_admin():
        return admins_only(ctx, pressed=True)
    found = await _link_code(ctx, normal(data.code))  # a forged button guesses too
    if isinstance(found, str):
        return Outcome(toast=found, alert=True)
    network = await ctx.repo.network(found[0])
    if not await ctx.repo.link_chat(network.id, ctx.chat.id, ctx.actor.user_id, ctx.now):
        return Outcome(toast=t._("This group is linked to {name} already.", name=network.name))
    return Outcome([Reply(t._("🔗 Linked to {name}. The coordinators now see this group's "
                              "overview, as described above. /network shows the link, "
                              "sharing summaries and unlinking.", name=esc(network.name)),
                          edit=message_id)], toast=t._("Linked ✓"))


async def status(ctx: Ctx) -> Outcome:
    """`/network` in a group: the networks it is linked to, with their buttons."""
    t = ctx.t
    links = await ctx.repo.chat_networks(ctx.chat.id)
    if not links:
        return Outcome().say(t._(
            "This group is not linked to any network. A coordinator (of a volunteer centre, "
            "for example) can give you a link code; an admin then sends /network CODE here, "
            "sees what the coordinator would see, and decides."))
    lines, buttons = [t._("🔗 <b>Linked networks</b>")], []
    for item in links:
        network = await ctx.repo.network(item.network_id)
        shared = t._("summaries shared") if item.share_summaries else \
            t._("summaries not shared")
        lines.append(f"• <b>{esc(network.name)}</b> — {shared}")
        buttons.append([
            Button(t._("🔓 Stop sharing summaries") if item.share_summaries else
                   t._("📤 Share summaries"),
                   Share(ctx.chat.id, network.id, not item.share_summaries).encode()),
            Button(t._("✂️ Unlink"), Unlink(ctx.chat.id, network.id).encode())])
    lines += ["", what_they_see(ctx), "", t._("Admins decide with the buttons below.")]
    return Outcome([Reply("\n".join(lines), buttons)])


async def unlink_all(ctx: Ctx) -> Outcome:
    t = ctx.t
    if not await ctx.is_admin():
        return admins_only(ctx)
    links = await ctx.repo.chat_networks(ctx.chat.id)
    for item in links:
        await ctx.repo.unlink_chat(item.network_id, ctx.chat.id, ctx.now)
    if not links:
        return Outcome().say(t._("This group is not linked to any network."))
    return Outcome().say(t._("✂️ Unlinked. No coordinator sees this group any more; their "
                             "next weekly digest only says that it unlinked."))


async def _linked(ctx: Ctx, chat: int, network: int):
    if chat != ctx.chat.id:
        return None
    return next((item for item in await ctx.repo.chat_networks(ctx.chat.id)
                 if item.network_id == network), None)


async def _refused(ctx: Ctx, chat: int, network: int) -> Outcome | None:
    """Why a press on a linked group's button does nothing: another chat's button, not an
    admin, or no longer linked to that network."""
    if chat != ctx.chat.id:
        return not_this_chat(ctx)
    if not await ctx.is_admin():
        return admins_only(ctx, pressed=True)
    if await _linked(ctx, chat, network) is None:
        return Outcome(toast=ctx.t._("This group is not linked to that network."))
    return None


async def unlink(ctx: Ctx, data: Unlink, message_id: int | None) -> Outcome:
    t = ctx.t
    if refused := await _refused(ctx, data.chat, data.network):
        return refused
    await ctx.repo.unlink_chat(data.network, ctx.chat.id, ctx.now)
    network = await ctx.repo.network(data.network)
    return Outcome([Reply(t._("✂️ Unlinked from {name}. Its coordinators no longer see "
                              "this group; their next weekly digest only says that it "
                              "unlinked.", name=esc(network.name)), edit=message_id)],
                   toast=t._("Unlinked ✓"))


async def share(ctx: Ctx, data: Share, message_id: int | None) -> Outcome:
    t = ctx.t
    if refused := await _refused(ctx, data.chat, data.network):
        return refused
    await ctx.repo.set_share_summaries(data.network, ctx.chat.id, data.on)
    shown = await status(ctx)
    shown.replies[0].edit = message_id
    return Outcome(shown.replies, toast=t._("Summaries shared ✓") if data.on else
                   t._("Summaries no longer shared ✓"))
