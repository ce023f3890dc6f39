"""Tips in the chat: /tip, /tip WORD, /tips by theme, the tip button, inline results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.context import Ctx, esc
from bot.core.i18n import Texts
from bot.core.outcome import Button, Outcome, Reply
from bot.domain.search import TAG
from bot.domain.tips import Tip

if TYPE_CHECKING:
    from bot.domain.service import Service

MORE = 4
INLINE_MAX = 50


@dataclass(frozen=True)
class InlineTip:
    id: str
    title: str
    description: str
    html: str


def _rows(buttons: list[Button], per_row: int = 1) -> list[list[Button]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def _tip_button(service: Service, tip: Tip, t: Texts) -> Button:
    return Button("💡 " + t.key(f"tip.{tip.id}.title")[:60], f"tv:{tip.id}")


def _themes_buttons(service: Service, t: Texts) -> list[list[Button]]:
    return _rows([Button(t.key(f"theme.{theme}"), f"tt:{theme}")
                  for theme in service.tips.themes], 2)


async def tip(service: Service, ctx: Ctx, args: str) -> Outcome:
    """/tip: one for where the group is; /tip WORDS: search."""
    if args.strip():
        return _search(service, ctx, args.strip())
    run = await ctx.repo.latest_run(ctx.chat.id, "process")
    flow = service.flows.get("process")
    phase = flow.step(run.state).phase if run and flow and run.state in flow.ids else None
    chosen = service.tips.pick(phase, avoid=await ctx.repo.last_tip(ctx.chat.id))
    if chosen is None:
        return Outcome().say(ctx.t._("I have no tips yet."))
    await ctx.repo.set_last_tip(ctx.chat.id, chosen.id)
    return Outcome([Reply(service.tips.render(chosen, ctx.t),
                          [[Button(ctx.t._("🗂 More tips by theme"), "tt:")]])])


def _search(service: Service, ctx: Ctx, query: str) -> Outcome:
    t = ctx.t
    found = service.search.search(query[:200], ctx.chat.language, limit=1 + MORE)
    if not found:
        text = t._("I found no tip about “{query}”. Try another word, or browse by theme:",
                   query=esc(query[:100]))
        return Outcome([Reply(text, _themes_buttons(service, t))])
    best, more = found[0], found[1:]
    buttons = [[_tip_button(service, other, t)] for other in more]
    return Outcome([Reply(service.tips.render(best, t), buttons)])


async def browse(service: Service, ctx: Ctx, args: str) -> Outcome:
    """/tips: the themes, as buttons; the same message follows the user around."""
    return Outcome([Reply(ctx.t._("🗂 <b>Tips by theme</b>\nChoose a theme:"),
                          _themes_buttons(service, ctx.t))])


async def press(service: Service, ctx: Ctx, kind: str, arg: str,
                message_id: int | None) -> Outcome:
    t = ctx.t
    if kind == "tt" and not arg:
        return Outcome([Reply(t._("🗂 <b>Tips by theme</b>\nChoose a theme:"),
                              _themes_buttons(service, t), edit=message_id)])
    if kind == "tt" and arg in service.tips.themes:
        tips = [tip for tip in service.tips.tips.values() if arg in tip.themes]
        buttons = [[_tip_button(service, tip, t)] for tip in tips]
        buttons.append([Button(t._("⬅️ All themes"), "tt:")])
        return Outcome([Reply(t._("🗂 <b>{theme}</b>\nChoose a tip:",
                                  theme=t.key(f"theme.{arg}")), buttons, edit=message_id)])
    found = service.tips.get(arg) if kind == "tv" else None
    if found is None:
        return Outcome(toast=t._("This button no longer works."))
    back = [[Button(t._("⬅️ {theme}", theme=t.key(f"theme.{theme}")), f"tt:{theme}")]
            for theme in found.themes[:1]]
    back.append([Button(t._("🗂 All themes"), "tt:")])
    return Outcome([Reply(service.tips.render(found, t), back, edit=message_id)])


def inline(service: Service, query: str, language: str) -> list[InlineTip]:
    """Tips for an inline query, in any chat. Only the library: nothing of any group."""
    t = service.texts(language)
    tips = (service.search.search(query[:200], language, limit=INLINE_MAX) if query.strip()
            else list(service.tips.tips.values())[:INLINE_MAX])
    results = []
    for found in tips:
        text = TAG.sub("", t.key(f"tip.{found.id}.text")).replace("&amp;", "&")
        results.append(InlineTip(found.id, t.key(f"tip.{found.id}.title"),
                                 " ".join(text.split())[:120],
                                 service.tips.render(found, t)))
    return results
