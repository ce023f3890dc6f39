"""Tips in the chat: /tip, /tip WORD, /tips by theme, and inline results. (The tip button
under a question belongs to the process.)"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.core.callbacks import Data, button
from bot.core.context import Ctx, esc, stale
from bot.core.feature import Command, Feature
from bot.core.flows import Flow
from bot.core.i18n import Texts
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply
from bot.features.tips.library import Tip, TipLibrary
from bot.features.tips.search import TAG, TipSearch

MORE = 4  # other matches offered under the best one
INLINE_MAX = 50  # Telegram shows at most 50 inline results
PAGE = 10  # inline results per answer: Telegram asks for the next page as the list scrolls


# Tips and themes are the library's, the same in every chat: these buttons carry no chat
# data, so there is nothing to check against the chat. The data is the legacy one
# ("tv:pep-funds", "tt:people", "tt:"), so messages already posted keep working.
@button("tv")
@dataclass(frozen=True)
class ShowTip(Data):
    tip: str


@button("tt")
@dataclass(frozen=True)
class Theme(Data):
    theme: str  # "": all themes


@dataclass(frozen=True)
class InlineTip:
    id: str
    title: str
    description: str
    html: str


class Tips(Feature):
    def __init__(self, library: TipLibrary, search: TipSearch, flows: Mapping[str, Flow],
                 texts: Callable[[str], Texts]) -> None:
        self.library = library
        self.search = search
        self.flows = flows  # to find the phase the group is in
        self.texts = texts  # a language's texts (inline queries come without a chat)
        self._inline: dict[tuple[str, str], InlineTip] = {}  # (tip, language): made once

    def commands(self) -> list[Command]:
        return [Command("tip", self.tip, _("A tip for where you are, or /tip WORD to search")),
                Command("tips", self.browse, _("Browse the tips by theme"))]

    def buttons(self) -> dict:
        return {ShowTip: self.show, Theme: self.theme}

    async def tip(self, ctx: Ctx, args: str) -> Outcome:
        """/tip: one for where the group is; /tip WORDS: search."""
        if args.strip():
            return self._search(ctx, args.strip())
        run = await ctx.repo.latest_run(ctx.chat.id, "process")
        flow = self.flows.get("process")
        phase = flow.step(run.state).phase if run and flow and run.state in flow.ids else None
        chosen = self.library.pick(phase, avoid=await ctx.repo.last_tip(ctx.chat.id))
        if chosen is None:
            return Outcome().say(ctx.t._("I have no tips yet."))
        await ctx.repo.set_last_tip(ctx.chat.id, chosen.id)
        return Outcome([Reply(self.library.render(chosen, ctx.t),
                              [[Button(ctx.t._("🗂 More tips by theme"), Theme("").encode())]])])

    def _search(self, ctx: Ctx, query: str) -> Outcome:
        t = ctx.t
        found = self.search.search(query[:200], ctx.chat.language, limit=1 + MORE)
        if not found:
            text = t._("I found no tip about “{query}”. Try another word, or browse by theme:",
                       query=esc(query[:100]))
            return Outcome([Reply(text, self._themes(t))])
        best, more = found[0], found[1:]
        buttons = [[_tip_button(other, t)] for other in more]
        return Outcome([Reply(self.library.render(best, t), buttons)])

    async def browse(self, ctx: Ctx, args: str) -> Outcome:
        """/tips: the themes, as buttons; the same message follows the user around."""
        return Outcome([Reply(ctx.t._("🗂 <b>Tips by theme</b>\nChoose a theme:"),
                              self._themes(ctx.t))])

    async def theme(self, ctx: Ctx, data: Theme, message_id: int | None) -> Outcome:
        t = ctx.t
        if not data.theme:
            return Outcome([Reply(t._("🗂 <b>Tips by theme</b>\nChoose a theme:"),
                                  self._themes(t), edit=message_id)])
        if data.theme not in self.library.themes:
            return stale(ctx)
        tips = [tip for tip in self.library.tips.values() if data.theme in tip.themes]
        buttons = [[_tip_button(tip, t)] for tip in tips]
        buttons.append([Button(t._("⬅️ All themes"), Theme("").encode())])
        return Outcome([Reply(t._("🗂 <b>{theme}</b>\nChoose a tip:",
                                  theme=t.key(f"theme.{data.theme}")), buttons,
                              edit=message_id)])

    async def show(self, ctx: Ctx, data: ShowTip, message_id: int | None) -> Outcome:
        t = ctx.t
        found = self.library.get(data.tip)
        if found is None:
            return stale(ctx)
        back = [[Button(t._("⬅️ {theme}", theme=t.key(f"theme.{theme}")),
                        Theme(theme).encode())] for theme in found.themes[:1]]
        back.append([Button(t._("🗂 All themes"), Theme("").encode())])
        return Outcome([Reply(self.library.render(found, t), back, edit=message_id)])

    def inline(self, query: str, language: str) -> list[InlineTip]:
        """Tips for an inline query, in any chat. Only the library: nothing of any group."""
        return [self._inline_tip(found, language) for found in self._inline_found(query, language)]

    def inline_page(self, query: str, language: str, offset: str = "") -> tuple[
            list[InlineTip], str]:
        """One page of `inline`, from `offset` (as Telegram sends it back), and the offset of
        the next page ("" after the last). A page is a fraction of the bytes of all 50."""
        start = int(offset) if offset.isdigit() else 0
        found = self._inline_found(query, language)
        page = [self._inline_tip(tip, language) for tip in found[start:start + PAGE]]
        return page, str(start + PAGE) if start + PAGE < len(found) else ""

    def _inline_found(self, query: str, language: str) -> list[Tip]:
        return (self.search.search(query[:200], language, limit=INLINE_MAX) if query.strip()
                else list(self.library.tips.values())[:INLINE_MAX])

    def _inline_tip(self, tip: Tip, language: str) -> InlineTip:
        """A tip as an inline result: the same every time, so made once per language."""
        made = self._inline.get((tip.id, language))
        if made is None:
            t = self.texts(language)
            text = TAG.sub("", t.key(f"tip.{tip.id}.text")).replace("&amp;", "&")
            made = InlineTip(tip.id, t.key(f"tip.{tip.id}.title"), " ".join(text.split())[:120],
                             self.library.render(tip, t))
            self._inline[tip.id, language] = made
        return made

    def _themes(self, t: Texts) -> list[list[Button]]:
        buttons = [Button(t.key(f"theme.{theme}"), Theme(theme).encode())
                   for theme in self.library.themes]
        return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


def _tip_button(tip: Tip, t: Texts) -> Button:
    return Button("💡 " + t.key(f"tip.{tip.id}.title")[:60], ShowTip(tip.id).encode())
