"""Commands and buttons, in one table each. Admin-only actions are checked here,
on the server, whatever a command menu shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.context import Ctx, esc
from bot.core.i18n import LANGUAGES, texts
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply
from bot.domain import agreement, privacy, tipdesk

if TYPE_CHECKING:
    from bot.domain.service import Service

PROCESS = "process"
LANGUAGE_NAMES = {"nl": "🇳🇱 Nederlands", "en": "🇬🇧 English"}

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
    if kind == "lang":
        return await set_language(service, ctx, parts[0], message_id)
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
    if kind in ("dc", "dx") and len(parts) == 4 and all(p.isdigit() for p in parts):
        return await service.dialog.confirm_date(ctx, int(parts[0]), int(parts[1]), parts[2],
                                                 int(parts[3]), keep=kind == "dc")
    if kind == "o" and parts[0].isdigit():
        return await choose_organisation(service, ctx, int(parts[0]))
    if kind in "abmdnspt" and len(kind) == 1 and 2 <= len(parts) <= 3 and all(
            p.isdigit() for p in parts):
        arg = int(parts[2]) if len(parts) == 3 else None
        return await service.dialog.button(ctx, kind, int(parts[0]), int(parts[1]), arg,
                                           message_id)
    return Outcome(toast=ctx.t._("This button no longer works."))


# -- commands ---------------------------------------------------------------------


async def cmd_start(service: Service, ctx: Ctx, args: str) -> Outcome:
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


async def cmd_settings(service: Service, ctx: Ctx, args: str) -> Outcome:
    t = ctx.t
    orgs = await ctx.repo.organisations(ctx.chat.id)
    text = t._(
        "⚙️ <b>Settings of this chat</b>\n\n"
        "Language: {language}\nTime zone: {timezone}\nPartner organisations: {orgs}\n\n"
        "Admins can change the language with the buttons below or with /language.",
        language=LANGUAGE_NAMES[ctx.chat.language], timezone=esc(ctx.chat.timezone),
        orgs=esc(", ".join(o.name for o in orgs)) or "–")
    return Outcome([Reply(text, [_language_buttons()])])


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


async def cmd_language(service: Service, ctx: Ctx, args: str) -> Outcome:
    choice = args.split()[0].lower() if args.split() else ""
    if not choice:
        return Outcome([Reply(ctx.t._("Which language should I speak in this chat?"),
                              [_language_buttons()])])
    return await set_language(service, ctx, choice, None)


async def set_language(service: Service, ctx: Ctx, choice: str,
                       message_id: int | None) -> Outcome:
    aliases = {"nederlands": "nl", "dutch": "nl", "engels": "en", "english": "en"}
    choice = aliases.get(choice, choice)
    if choice not in LANGUAGES:
        return Outcome().say(ctx.t._("I speak: {languages}. For example: /language en",
                                     languages=", ".join(LANGUAGES)))
    if not await ctx.is_admin():
        return _admins_only(ctx)
    await ctx.repo.set_language(ctx.chat.id, choice)
    t = service.texts(choice)
    return Outcome(toast=t._("Language changed")).say(
        t._("✅ From now on I speak English in this chat."))


async def cmd_process(service: Service, ctx: Ctx, args: str) -> Outcome:
    word = args.split()[0].lower() if args.split() else ""
    if word in ("restart", "opnieuw"):
        if not await ctx.is_admin():
            return _admins_only(ctx)
        return await service.dialog.restart_phase(ctx, PROCESS)
    return await service.dialog.start_or_continue(ctx, PROCESS)


async def cmd_status(service: Service, ctx: Ctx, args: str) -> Outcome:
    """A short overview, with a button per phase for its full summary."""
    from bot.domain import status
    return await status.overview(service, ctx)


async def cmd_tip(service: Service, ctx: Ctx, args: str) -> Outcome:
    return await tipdesk.tip(service, ctx, args)


async def cmd_pdca(service: Service, ctx: Ctx, args: str) -> Outcome:
    word = args.split()[0].lower() if args.split() else ""
    if word in ("restart", "opnieuw"):
        if not await ctx.is_admin():
            return _admins_only(ctx)
        return await service.dialog.restart_phase(ctx, "pdca")
    return await service.dialog.start_or_continue(ctx, "pdca")


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


async def cmd_org(service: Service, ctx: Ctx, args: str) -> Outcome:
    t = ctx.t
    word, _, rest = args.partition(" ")
    word, rest = word.lower(), rest.strip()
    orgs = await ctx.repo.organisations(ctx.chat.id)
    if word in ("add", "toevoegen", "rename", "hernoem", "hernoemen", "remove", "verwijder",
                "verwijderen"):
        if not await ctx.is_admin():
            return _admins_only(ctx)
        return await _change_organisations(service, ctx, word, rest, orgs)
    if not orgs:
        return Outcome().say(t._(
            "No partner organisations yet. They are named in the first question of /process, "
            "or an admin adds one: /org add Name"))
    members = await ctx.repo.members(ctx.chat.id)
    lines = [t._("🏠 <b>Partner organisations</b>")]
    for number, org in enumerate(orgs, 1):
        names = ", ".join(esc(m.name) for m in members if m.organisation_id == org.id)
        lines.append(f"{number}. <b>{esc(org.name)}</b>" + (f" — {names}" if names else ""))
    lines += ["", t._("Which one are you from? Press it below.\n"
                      "Admins: /org add Name · /org rename 2 New name · /org remove 2")]
    buttons = [Button(o.name[:60], f"o:{o.id}") for o in orgs]
    return Outcome([Reply("\n".join(lines), [buttons[i:i + 2] for i in range(0, len(buttons), 2)])])


async def _change_organisations(service: Service, ctx: Ctx, word: str, rest: str,
                                orgs: list) -> Outcome:
    t, now = ctx.t, service.clock.now()
    if word in ("add", "toevoegen"):
        name = " ".join(rest.split())[:60]
        if not name:
            return Outcome().say(t._("Add a name, for example: /org add Buurthuis De Linde"))
        added = await ctx.repo.add_organisation(ctx.chat.id, name, now)
        return Outcome().say(t._("✅ Added: {name}", name=esc(name)) if added
                             else t._("{name} is already on the list.", name=esc(name)))
    number, _, name = rest.partition(" ")
    if not number.isdigit() or not 1 <= int(number) <= len(orgs):
        return Outcome().say(t._("Give the number from the /org list, for example: /org remove 2"))
    org = orgs[int(number) - 1]
    if word.startswith(("rename", "hernoem")):
        name = " ".join(name.split())[:60]
        if not name or not await ctx.repo.rename_organisation(ctx.chat.id, org.id, name):
            return Outcome().say(t._("Give a new name that is not on the list yet, for example: "
                                     "/org rename 2 Voedselbank Noord"))
        return Outcome().say(t._("✅ {old} is now called {new}.", old=esc(org.name),
                                 new=esc(name)))
    await ctx.repo.remove_organisation(ctx.chat.id, org.id)
    return Outcome().say(t._("✅ Removed: {name}. Its members can choose again with /org.",
                             name=esc(org.name)))


async def choose_organisation(service: Service, ctx: Ctx, org_id: int) -> Outcome:
    orgs = {o.id: o for o in await ctx.repo.organisations(ctx.chat.id)}
    if org_id not in orgs:
        return Outcome(toast=ctx.t._("This organisation is no longer on the list."))
    await ctx.repo.set_member_organisation(ctx.chat.id, ctx.actor.user_id, org_id)
    ctx.member.organisation_id = org_id
    # A toast, not a message: the group sees who is from where in /org and /status.
    replies = await service.dialog.after_organisation_chosen(ctx)
    return Outcome(replies, toast=ctx.t._("✅ You answer for {org}.", org=orgs[org_id].name))


def _language_buttons() -> list[Button]:
    return [Button(label, f"lang:{code}") for code, label in LANGUAGE_NAMES.items()]


def _admins_only(ctx: Ctx) -> Outcome:
    text = ctx.t._("Only the group's admins can do that.")
    return Outcome(toast=text, alert=True).say(text)
