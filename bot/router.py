"""The router: builds the command table, the menus per language and /help from what the
features declare, and hands each command, button and reply to the feature that owns it.

Command names and the words after them come from each language's words file, so every
command works under each language's names ("/proces", "/process") and a feature only ever
sees its English words ("/org toevoegen X" reaches it as "add X").
"""

from __future__ import annotations

from pathlib import Path

from bot.core import callbacks
from bot.core.context import Ctx, esc, stale
from bot.core.entities import Prompt
from bot.core.feature import Answer, Command, Feature, Press
from bot.core.i18n import LANGUAGES, texts, words
from bot.core.outcome import Outcome
from bot.core.paths import LOCALES


class Router:
    def __init__(self, features: list[Feature], locales: Path = LOCALES,
                 languages: tuple[str, ...] = LANGUAGES) -> None:
        self.locales, self.languages = locales, languages
        self.features = features
        self.commands: dict[str, Command] = {}
        self.buttons: dict[type, Press] = {}
        self.prompts: dict[str, Answer] = {}
        for feature in features:
            for command in feature.commands():
                self.commands[command.name] = command
            self.buttons.update(feature.buttons())
            self.prompts.update(feature.prompts())
        self.names: dict[str, str] = {}  # any language's name -> English name
        self.words: dict[str, dict[str, str]] = {}  # English name -> {any word: English word}
        for language in languages:
            for name, spec in words(language, locales)["commands"].items():
                if name not in self.commands:
                    continue  # a command no feature offers (yet)
                for alias in spec["names"]:
                    self.names.setdefault(alias.lower(), name)
                for word, local in (spec.get("words") or {}).items():
                    table = self.words.setdefault(name, {})
                    for alias in [word, *local]:
                        table.setdefault(str(alias).lower(), str(word))

    def name(self, command: str, language: str) -> str:
        """A command's name in a language (its first name in that language's words)."""
        return texts(language, self.locales).command(command).removeprefix("/")

    def menu(self, language: str) -> list[tuple[str, str]]:
        """The command menu of one language (Telegram's setMyCommands)."""
        t = texts(language, self.locales)
        return [(self.name(c.name, language), t._(c.summary))
                for c in self.commands.values() if c.summary and c.in_menu]

    def help(self, ctx: Ctx) -> str:
        """Every listed command with its line, in the chat's language."""
        return "\n".join(f"/{self.name(c.name, ctx.t.language)} — {esc(ctx.t._(c.summary))}"
                         for c in self.commands.values() if c.summary)

    async def command(self, ctx: Ctx, name: str, args: str) -> Outcome:
        english = self.names.get(name.lower())
        if english is None:
            return Outcome().say(ctx.t._("I don't know the command /{name}. Send /help for the "
                                         "list.", name=esc(name[:32])))
        first, _, rest = args.strip().partition(" ")
        word = self.words.get(english, {}).get(first.lower())
        if word is not None:
            args = f"{word} {rest}".strip()
        return await self.commands[english].run(ctx, args.strip())

    async def press(self, ctx: Ctx, data: str, message_id: int | None) -> Outcome:
        decoded = callbacks.decode(data)
        handler = self.buttons.get(type(decoded)) if decoded is not None else None
        if handler is None:
            return stale(ctx)
        return await handler(ctx, decoded, message_id)

    async def reply(self, ctx: Ctx, prompt: Prompt, text: str) -> Outcome | None:
        """A reply to one of the bot's messages that asked something; None: not ours."""
        handler = self.prompts.get(prompt.kind)
        return await handler(ctx, prompt, text) if handler is not None else None
