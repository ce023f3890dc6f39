"""Commands and buttons, in one table each. Admin-only actions are checked here,
on the server, whatever a command menu shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.context import Ctx, esc
from bot.core.i18n import mark as _
from bot.core.i18n import texts
from bot.core.outcome import Outcome
from bot.domain import agreement, privacy, tipdesk

if TYPE_CHECKING:
    from bot.domain.service import Service

PROCESS = "process"

# (name, Dutch alias) -> handler name; the menu shows each language its own names.
ALIASES = {
    "start": "start", "help": "help", "hulp": "help", "settings": "settings",
    "instellingen": "settings", "privacy": "privacy", "language": "language",
    "taal": "language", "process": "process", "proces": "process", "status": "status",
    "org": "org", "organisaties": "org", "organisations": "org", "tip": "tip",
    "tips": "tips", "checkin": "checkin", "checkins": "checkin", "pdca": "pdca",
    "export": "export", "forget": "forget", "vergeet": "forget",
    "agreement": "agreement", "afspraken": "agreement", "scan": "scan",
    "mydata": "mydata", "mijngegevens": "mydata", "forgetme": "forgetme",
    "vergeetmij": "forgetme",
}



# (Dutch name, English name, description): each language's menu shows its own names.
MENU = [
    ("proces", "process", _("Start or continue the collaboration process")),
    ("status", "status", _("Where are we?")),
    ("org", "org", _("Partner organisations")),
    ("tip", "tip", _("A tip for where you are, or /tip WORD to search")),
    ("tips", "tips", _("Browse the tips by theme")),
    ("checkin", "checkin", _("Check-ins: schedule, or start one now")),
    ("afspraken", "agreement", _("The agreements as a document")),
    ("pdca", "pdca", _("A round of plan, do, check, act")),
    ("scan", "scan", _("The five-conditions scan, with a chart")),
    ("export", "export", _("Everything I hold for this chat (admins)")),
    ("vergeet", "forget", _("Delete this chat's data (admins)")),
    ("taal", "language", _("Language of this chat")),
    ("instellingen", "settings", _("Settings")),
    ("privacy", "privacy", _("What I store")),
    ("help", "help", _("Help")),
]


def menu(language: str) -> list[tuple[str, str]]:
    """The command menu for one language (Telegram's setMyCommands)."""
    t = texts(language)
    return [(nl if language == "nl" else en, t._(description)) for nl, en, description in MENU]


async def run(service: Service, ctx: Ctx, name: str, args: str) -> Outcome:
    handler = ALIASES.get(name)
    if handler is None:
        return Outcome().say(ctx.t._("I don't know the command /{name}. Send /help for the list.",
                                     name=esc(name[:32])))
    return await globals()[f"cmd_{handler}"](service, ctx, args)


async def press(service: Service, ctx: Ctx, data: str, message_id: int | None) -> Outcome:
    kind, _, rest = data.partition(":")
    parts = rest.split(":")
    if kind == "sc":
        return await service.scans.press(ctx, parts, message_id)
    if kind == "st":
        from bot.domain import status  # the /status overview's phase buttons
        return await status.press(service, ctx, parts)
    if kind == "fm":
        return await privacy.press_forget_me(service, ctx, rest, message_id)
    if kind == "fg":
        return await privacy.press_forget(service, ctx, rest, message_id)
    if kind == "ci":
        return await service.checkins.press(ctx, parts, message_id)
    if kind == "cs":
        return await service.checkins.press_schedule(ctx, parts, message_id)
    if kind == "nx":
        return await service.checkins.press_next(ctx, parts)
    if kind in ("tv", "tt"):
        return await tipdesk.press(service, ctx, kind, rest, message_id)
    return Outcome(toast=ctx.t._("This button no longer works."))


# -- commands ---------------------------------------------------------------------



async def cmd_help(service: Service, ctx: Ctx, args: str) -> Outcome:
    return Outcome().say(ctx.t._(
        "<b>What I can do</b>\n\n"
        "/process — start or continue the collaboration process\n"
        "/status — where you are, and what you agreed so far\n"
        "/org — the partner organisations; choose your own\n"
        "/tip — a tip for where you are now; /tip WORD searches, /tips by theme\n"
        "/checkin — regular check-ins: are we still on the same track?\n"
        "/language — Dutch or English (admins)\n"
        "/settings — the settings of this chat\n"
        "/privacy — what I store and why\n\n"
        "In a group, answer open questions with a <i>reply</i> to my question. "
        "Under every question you find buttons to go back, skip, pause or get a tip.")
        + "\n\n" + ctx.t._(
            "<b>Working together</b>\n"
            "/pdca — a round of plan, do, check, act\n"
            "/scan — the five-conditions scan, with a chart\n"
            "/agreement — your agreements as a message, a PDF and a calendar\n"
            "/export, /forget — everything of this chat, or none of it (admins)\n"
            "/mydata, /forgetme — in a private chat: what I hold about you"))



async def cmd_privacy(service: Service, ctx: Ctx, args: str) -> Outcome:
    return Outcome().say(ctx.t._(
        "🔒 <b>What I store, and why</b>\n\n"
        "For each chat I keep: the partner organisations, the names of members who "
        "answered, which organisation they belong to, and the answers given to my "
        "questions, with who gave them and when. That is what I need to show summaries "
        "and keep the collaboration on track.\n\n"
        "I do not read or store ordinary conversation in the group: I only see commands, "
        "button presses and replies to my own questions.\n\n"
        "Nothing is shared between chats or with anyone else. The data stays on the "
        "server of whoever runs this bot.") + "\n\n" + ctx.t._(
        "Admins can download everything I hold for this chat with /export, and delete it "
        "all with /forget. In an anonymous scan I never keep who gave which score.") + "\n\n"
        + ctx.t._("In a private chat with me, /mydata shows what I hold about you and /forgetme "
                  "takes your name off it. A chat nobody uses for {days} days is deleted, "
                  "after a warning a month before.", days=service.retention.days))





async def cmd_status(service: Service, ctx: Ctx, args: str) -> Outcome:
    """A short overview, with a button per phase for its full summary."""
    from bot.domain import status
    return await status.overview(service, ctx)


async def cmd_tip(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await tipdesk.tip(service, ctx, args)



async def cmd_scan(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await service.scans.command(ctx, args)


async def cmd_agreement(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await agreement.agreement(service, ctx)


async def cmd_mydata(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await privacy.my_data(service, ctx)


async def cmd_forgetme(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await privacy.ask_forget_me(service, ctx)


async def cmd_export(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await privacy.export(service, ctx)


async def cmd_forget(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await privacy.ask_forget(service, ctx)


async def cmd_checkin(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await service.checkins.command(ctx, args)


async def cmd_tips(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await tipdesk.browse(service, ctx, args)






def _admins_only(ctx: Ctx) -> Outcome:
    text = ctx.t._("Only the group's admins can do that.")
    return Outcome(toast=text, alert=True).say(text)
