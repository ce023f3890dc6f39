"""/org: the partner organisations of a chat, and which one each member is from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.answers import listed
from bot.core.callbacks import Data, button
from bot.core.context import Ctx, admins_only, esc
from bot.core.entities import Organisation
from bot.core.feature import Command, Feature
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply

MAX_NAME = 60


@button("o")
@dataclass(frozen=True)
class Choose(Data):
    org: int  # checked against the organisations of the chat it is pressed in


def choice_buttons(orgs: list[Organisation]) -> list[list[Button]]:
    """Two organisations a row: a member presses theirs."""
    buttons = [Button(o.name[:MAX_NAME], Choose(o.id).encode()) for o in orgs]
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


class Organisations(Feature):
    def __init__(self, chosen: Callable[[Ctx], Awaitable[list[Reply]]]) -> None:
        self.chosen = chosen  # what follows a member's choice (a question may be complete)

    def commands(self) -> list[Command]:
        return [Command("org", self.org, _("Partner organisations"))]

    def buttons(self) -> dict:
        return {Choose: self.choose}

    async def org(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        word, _space, rest = args.partition(" ")
        rest = rest.strip()
        orgs = await ctx.repo.organisations(ctx.chat.id)
        if word in ("add", "rename", "remove"):
            if not await ctx.is_admin():
                return admins_only(ctx)
            return await self._change(ctx, word, rest, orgs)
        if not orgs:
            return Outcome().say(t._(
                "No partner organisations yet. They are named in the first question of "
                "/process, or an admin adds one: /org add Name"))
        members = await ctx.repo.members(ctx.chat.id)
        lines = [t._("🏠 <b>Partner organisations</b>")]
        for number, org in enumerate(orgs, 1):
            names = ", ".join(esc(m.name) for m in members if m.organisation_id == org.id)
            lines.append(f"{number}. <b>{esc(org.name)}</b>" + (f" — {names}" if names else ""))
        lines += ["", t._("Which one are you from? Press it below.\n"
                          "Admins: /org add Name · /org rename 2 New name · /org remove 2")]
        return Outcome([Reply("\n".join(lines), choice_buttons(orgs))])

    async def _change(self, ctx: Ctx, word: str, rest: str, orgs: list[Organisation]) -> Outcome:
        t, now = ctx.t, ctx.now
        if word == "add":
            name = " ".join(rest.split())[:MAX_NAME]
            if not name:
                return Outcome().say(t._("Add a name, for example: /org add Buurthuis De Linde"))
            added = not listed([o.name for o in orgs], name) and \
                await ctx.repo.add_organisation(ctx.chat.id, name, now)
            return Outcome().say(t._("✅ Added: {name}", name=esc(name)) if added
                                 else t._("{name} is already on the list.", name=esc(name)))
        number, _space, name = rest.partition(" ")
        if not number.isdigit() or not 1 <= int(number) <= len(orgs):
            return Outcome().say(t._("Give the number from the /org list, for example: "
                                     "/org remove 2"))
        org = orgs[int(number) - 1]
        if word == "rename":
            name = " ".join(name.split())[:MAX_NAME]
            others = [o.name for o in orgs if o.id != org.id]  # a new spelling of its own is fine
            if not name or listed(others, name) or \
                    not await ctx.repo.rename_organisation(ctx.chat.id, org.id, name):
                return Outcome().say(t._("Give a new name that is not on the list yet, for "
                                         "example: /org rename 2 Voedselbank Noord"))
            return Outcome().say(t._("✅ {old} is now called {new}.", old=esc(org.name),
                                     new=esc(name)))
        await ctx.repo.remove_organisation(ctx.chat.id, org.id)
        return Outcome().say(t._("✅ Removed: {name}. Its members can choose again with /org.",
                                 name=esc(org.name)))

    async def choose(self, ctx: Ctx, data: Choose, message_id: int | None) -> Outcome:
        orgs = {o.id: o for o in await ctx.repo.organisations(ctx.chat.id)}
        if data.org not in orgs:
            return Outcome(toast=ctx.t._("This organisation is no longer on the list."))
        await ctx.repo.set_member_organisation(ctx.chat.id, ctx.actor.user_id, data.org)
        ctx.member.organisation_id = data.org
        # A toast, not a message: the group sees who is from where in /org and /status.
        replies = await self.chosen(ctx)
        return Outcome(replies, toast=ctx.t._("✅ You answer for {org}.",
                                              org=orgs[data.org].name))
