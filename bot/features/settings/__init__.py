"""/start, /help, /settings and /language: how the bot introduces itself and what a chat
can set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.core.callbacks import Data, button
from bot.core.context import Ctx, admins_only, esc
from bot.core.feature import Command, Feature
from bot.core.i18n import LANGUAGES, texts, words
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply


@button("lang")
@dataclass(frozen=True)
class Language(Data):
    code: str  # acts on the chat it is pressed in; admins only


class Settings(Feature):
    def __init__(self, listing: Callable[[Ctx], str]) -> None:
        self.listing = listing  # every command with its line (the router's)

    def commands(self) -> list[Command]:
        return [
            Command("language", self.language, _("Language of this chat")),
            Command("settings", self.settings, _("Settings")),
            Command("help", self.help, _("Help")),
            Command("start", self.start),
        ]

    def buttons(self) -> dict:
        return {Language: self.pressed}

    async def start(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        if ctx.in_group:
            text = t._(
                "👋 Hello! I am Samenwerkbot. I help your organisations work together, step by "
                "step: <b>explore</b>, <b>share</b> your ambitions, <b>agree</b> and "
                "<b>carry out</b>.\n\n"
                "Everyone in this group can answer my questions. Questions with buttons: just "
                "press one. Open questions: answer with a <i>reply</i> to my message, so I can "
                "see it.\n\n"
                "▶️ Send /process to begin. /help shows everything I can do.")
        else:
            text = t._(
                "👋 Hello! I am Samenwerkbot. I help volunteer organisations work together, "
                "step by step: explore, share ambitions, agree and carry out.\n\n"
                "I work best in a group with board members of all partner organisations: add "
                "me to your group and send /start there.\n\n"
                "Here you can prepare on your own: send /process to begin, or /tip for a tip.")
        return Outcome().say(text)

    async def help(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        return Outcome().say("\n\n".join([
            t._("<b>What I can do</b>"), self.listing(ctx),
            t._("In a group, answer open questions with a <i>reply</i> to my question. Under "
                "every question you find buttons to go back, skip, pause or get a tip.")]))

    async def settings(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        orgs = await ctx.repo.organisations(ctx.chat.id)
        text = t._(
            "⚙️ <b>Settings of this chat</b>\n\n"
            "Language: {language}\nTime zone: {timezone}\nPartner organisations: {orgs}\n\n"
            "Admins can change the language with the buttons below or with /language.",
            language=words(ctx.chat.language)["name"], timezone=esc(ctx.chat.timezone),
            orgs=esc(", ".join(o.name for o in orgs)) or "–")
        return Outcome([Reply(text, [_language_buttons()])])

    async def language(self, ctx: Ctx, args: str) -> Outcome:
        choice = args.split()[0].lower() if args.split() else ""
        if not choice:
            return Outcome([Reply(ctx.t._("Which language should I speak in this chat?"),
                                  [_language_buttons()])])
        return await self._set(ctx, choice)

    async def pressed(self, ctx: Ctx, data: Language, message_id: int | None) -> Outcome:
        return await self._set(ctx, data.code)

    async def _set(self, ctx: Ctx, choice: str) -> Outcome:
        if choice not in LANGUAGES:
            return Outcome().say(ctx.t._("I speak: {languages}. For example: /language en",
                                         languages=", ".join(LANGUAGES)))
        if not await ctx.is_admin():
            return admins_only(ctx)
        await ctx.repo.set_language(ctx.chat.id, choice)
        t = texts(choice)
        return Outcome(toast=t._("Language changed")).say(
            t._("✅ From now on I speak English in this chat."))


def _language_buttons() -> list[Button]:
    return [Button(words(code)["name"], Language(code).encode()) for code in LANGUAGES]
