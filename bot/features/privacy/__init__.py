"""A chat's own data and a member's own data: /export and /forget (admins, for the whole
chat), /mydata and /forgetme (in a private chat, for oneself), and /privacy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.core.callbacks import Data, button
from bot.core.clock import Clock
from bot.core.context import Ctx, admins_only, esc, stale
from bot.core.feature import Command, Feature
from bot.core.flows import Flow
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply
from bot.features.privacy.export import export
from bot.features.privacy.labels import Labels, Vocabulary

__all__ = ["Forget", "ForgetMe", "Privacy", "Vocabulary"]

CONFIRM_FOR = timedelta(minutes=15)  # a /forget confirmation left lying around goes stale


@button("fg")
@dataclass(frozen=True)
class Forget(Data):
    chat: int  # the chat whose data it deletes: refused when pressed in another
    until: int  # unix seconds after which it is refused
    yes: bool  # False: cancel


@button("fm")
@dataclass(frozen=True)
class ForgetMe(Data):
    chat: int  # the private chat it was asked in (the member's own)
    until: int  # unix seconds after which it is refused, as /forget's
    yes: bool


class Privacy(Feature):
    def __init__(self, clock: Clock, flows: dict[str, Flow], retention: timedelta,
                 words: Vocabulary | None = None) -> None:
        self.clock = clock
        self.flows = flows
        self.retention = retention  # an unused chat is deleted after this long
        self.words = words or Vocabulary()  # check-in and scan labels, for the export

    def commands(self) -> list[Command]:
        return [
            Command("export", self.export, _("Everything I hold for this chat (admins)")),
            Command("forget", self.forget, _("Delete this chat's data (admins)")),
            Command("privacy", self.privacy, _("What I store")),
            # For a private chat with the bot: in /help, not in a group's menu.
            Command("mydata", self.my_data, _("In a private chat: what I hold about you"),
                    in_menu=False),
            Command("forgetme", self.forget_me, _("In a private chat: take your name off "
                                                  "your answers"), in_menu=False),
        ]

    def buttons(self) -> dict:
        return {Forget: self.press_forget, ForgetMe: self.press_forget_me}

    async def privacy(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        return Outcome().say(t._(
            "🔒 <b>What I store, and why</b>\n\n"
            "For each chat I keep: the partner organisations, the names of members who "
            "answered, which organisation they belong to, and the answers given to my "
            "questions, with who gave them and when. That is what I need to show summaries "
            "and keep the collaboration on track.\n\n"
            "I do not read or store ordinary conversation in the group: I only see commands, "
            "button presses and replies to my own questions.\n\n"
            "Nothing is shared between chats or with anyone else, unless your admins link "
            "this group to a coordinator's network (below). The data stays on the "
            "server of whoever runs this bot.") + "\n\n" + t._(
            "🧭 Linked to a network with /netwerk, the network's coordinators see this "
            "group's name, its phase and progress, the last check-in as counts and the last "
            "scan's averages (with three or more taking part), never who answered what, "
            "names or typed text, unless the admins also chose to share the summaries. "
            "/netwerk los ends it at once.") + "\n\n" + t._(
            "Admins can download everything I hold for this chat with /export, and delete it "
            "all with /forget.") + "\n\n" + t._(
            "🕶 In an anonymous scan I keep no link between a score and a person. While it is "
            "open, a coded number per member, kept apart from the scores, makes sure everyone "
            "has one current score: you can change yours, but not vote twice. When the scan "
            "closes, those numbers are deleted, and of the times only the scan's date stays. "
            "An organisation's average is shown only when at least two of its members "
            "scored; otherwise the result says so. The export holds only what the group saw: "
            "the averages and the remarks (a remark is a reply in the group, so the group "
            "sees who wrote it; I keep it without a name). A named scan shows who gave which "
            "score.") + "\n\n" + t._(
            "In a private chat with me, /mydata shows what I hold about you and /forgetme "
            "takes your name off it. A chat nobody uses for {days} days is deleted, "
            "after a warning a month before.", days=self.retention.days))

    async def export(self, ctx: Ctx, args: str) -> Outcome:
        if not await ctx.is_admin():
            return admins_only(ctx)
        return await export(ctx, self.flows, self.words, self.clock.now())

    async def forget(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        if not await ctx.is_admin():
            return admins_only(ctx)
        return self._confirm(ctx, Forget, t._(
            "⚠️ <b>Delete everything?</b>\nThis removes all organisations, members, "
            "answers, check-ins and schedules of this chat, for good. Tip: /export first.\n"
            "Only an admin can confirm."), t._("🗑 Yes, delete everything"))

    async def press_forget(self, ctx: Ctx, data: Forget, message_id: int | None) -> Outcome:
        t = ctx.t
        if data.chat != ctx.chat.id:
            return _foreign(ctx)
        if not await ctx.is_admin():
            return admins_only(ctx, pressed=True)
        if self.clock.now().timestamp() > data.until:
            return _late(ctx)
        if not data.yes:
            return Outcome([Reply(t._("Nothing was deleted."), edit=message_id)])
        await ctx.repo.forget_chat(ctx.chat.id)
        return Outcome([Reply(t._("🗑 Done: everything I held for this chat is deleted, and "
                                  "its check-ins have stopped."), edit=message_id)],
                       toast=t._("Deleted"))

    def _confirm(self, ctx: Ctx, kind: type[Forget] | type[ForgetMe], question: str,
                 yes: str) -> Outcome:
        """A yes/no that deletes: bound to this chat, refused after CONFIRM_FOR."""
        until = int((self.clock.now() + CONFIRM_FOR).timestamp())
        return Outcome([Reply(question, [[
            Button(yes, kind(ctx.chat.id, until, True).encode()),
            Button(ctx.t._("Cancel"), kind(ctx.chat.id, until, False).encode())]])])

    async def my_data(self, ctx: Ctx, args: str) -> Outcome:
        """Everything the bot holds about this person, shown only in a private chat."""
        t = ctx.t
        if ctx.in_group:
            return Outcome().say(t._("Ask me this in a private chat with me: there I show what "
                                     "I hold about you, and only to you."))
        user_id = ctx.actor.user_id
        lines = [t._("🔎 <b>What I hold about you</b>")]
        memberships = [m for m in await ctx.repo.memberships(user_id) if m[0] != ctx.chat.id]
        answers = await ctx.repo.answers_by(user_id)
        labels = Labels(t, self.flows, self.words, ctx.chat.timezone)
        networks = await ctx.repo.networks_of(user_id)
        if not memberships and not networks and not [a for a in answers
                                                     if a[0] != ctx.chat.id]:
            lines.append(t._("Nothing, apart from this private chat."))
        for network in networks:  # a coordinator's own part: the groups are theirs
            lines += ["", t._("🧭 You coordinate the network <b>{name}</b> ({n} linked "
                              "partnerships); I keep your user id, this chat for its "
                              "overview and your weekly digest setting.",
                              name=esc(network.name),
                              n=len(await ctx.repo.network_links(network.id)))]
        for chat_id, title, name, organisation in memberships:
            mine = [a for a in answers if a[0] == chat_id]
            lines += ["", t._("<b>{chat}</b>: you are {name}, of {organisation}; {n} answers.",
                              chat=esc(title or str(chat_id)), name=esc(name),
                              organisation=esc(organisation or "–"), n=len(mine))]
            for _chat, flow_id, step_id, value in mine:  # labels as they saw them, not ids
                shown = labels.answer(flow_id, step_id, value)
                lines.append(f"   • {esc(labels.question(flow_id, step_id))}: "
                             f"{esc(shown[:200])}")
        lines += ["", t._("/forgetme removes your name from all of this.")]
        return Outcome().say("\n".join(lines))

    async def forget_me(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        if ctx.in_group:
            return Outcome().say(t._("Ask me this in a private chat with me."))
        question = t._(
            "⚠️ <b>Forget you?</b>\nIn every group your answers stay, without your name, "
            "so the group's work is not lost; your membership and this private chat are "
            "deleted.")
        alone, shared = await _coordinated(ctx)
        if alone:
            question += "\n\n" + t._(
                "You are the only coordinator of {names}: that network is deleted too, with "
                "its link codes, and its groups are no longer linked to it (their own data "
                "stays; they can link to another network).", names=alone)
        if shared:
            question += "\n\n" + t._(
                "You stop being a coordinator of {names}; its other coordinators keep it.",
                names=shared)
        return self._confirm(ctx, ForgetMe, question, t._("🗑 Yes, forget me"))

    async def press_forget_me(self, ctx: Ctx, data: ForgetMe,
                              message_id: int | None) -> Outcome:
        t = ctx.t
        if ctx.in_group:
            return stale(ctx)
        if data.chat != ctx.chat.id:
            return _foreign(ctx)
        if self.clock.now().timestamp() > data.until:
            return _late(ctx)
        if not data.yes:
            return Outcome([Reply(t._("Nothing was deleted."), edit=message_id)])
        alone, shared = await _coordinated(ctx)  # before they are forgotten
        count = await ctx.repo.forget_member(ctx.actor.user_id)
        await ctx.repo.forget_chat(ctx.chat.id)
        done = t._("🗑 Done: {n} answers no longer carry your name, and I forgot you as a "
                   "member everywhere.", n=count)
        if alone:
            done += "\n" + t._("The network {names} is deleted: you were its only "
                                "coordinator.", names=alone)
        if shared:
            done += "\n" + t._("You are no longer a coordinator of {names}.", names=shared)
        return Outcome([Reply(done, edit=message_id)], toast=t._("Deleted"))


async def _coordinated(ctx: Ctx) -> tuple[str, str]:
    """The networks this person coordinates (names, escaped, joined): those they alone
    coordinate (forgetting them deletes the network) and those shared with others."""
    alone, shared = [], []
    for network in await ctx.repo.networks_of(ctx.actor.user_id):
        others = [c for c in await ctx.repo.coordinators(network.id)
                  if c.user_id != ctx.actor.user_id]
        (shared if others else alone).append(f"<b>{esc(network.name)}</b>")
    return ", ".join(alone), ", ".join(shared)


def _foreign(ctx: Ctx) -> Outcome:
    # A deleting button from another chat (forwarded or forged) gets a pop-up, not a toast.
    return Outcome(toast=ctx.t._("This button does not belong to this chat."), alert=True)


def _late(ctx: Ctx) -> Outcome:
    return Outcome(toast=ctx.t._("This button no longer works."), alert=True)
