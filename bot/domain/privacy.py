"""A chat's own data: /export (everything, as JSON and Markdown) and /forget (all of it)."""

from __future__ import annotations

import json
from html import unescape
from typing import TYPE_CHECKING

from bot.core.answers import show
from bot.core.context import Ctx, esc
from bot.core.outcome import Button, Outcome, Reply
from bot.core.progress import open_items, reached
from bot.domain.search import TAG

if TYPE_CHECKING:
    from bot.domain.service import Service


async def export(service: Service, ctx: Ctx) -> Outcome:
    if not await ctx.is_admin():
        return Outcome().say(ctx.t._("Only the group's admins can do that."))
    data = await ctx.repo.export_chat(ctx.chat.id)
    for row in data["answers"] + data["checkin_answers"]:
        if isinstance(row.get("value"), str):
            try:
                row["value"] = json.loads(row["value"])
            except ValueError:
                pass
    stamp = service.clock.now().strftime("%Y%m%d")
    as_json = json.dumps({"chat_id": ctx.chat.id, "exported_at": service.clock.now().isoformat(),
                          "tables": data}, ensure_ascii=False, indent=2).encode()
    return Outcome([
        Reply(ctx.t._("📦 Everything I hold for this chat, as data (JSON)."),
              file=(f"samenwerkbot-{stamp}.json", as_json)),
        Reply(ctx.t._("📄 The same, to read (Markdown)."),
              file=(f"samenwerkbot-{stamp}.md",
                    (await _markdown(service, ctx, data)).encode())),
    ])


async def _markdown(service: Service, ctx: Ctx, data: dict[str, list[dict]]) -> str:
    t = ctx.t
    orgs = {o["id"]: o["name"] for o in data["organisations"]}
    lines = ["# " + t._("Samenwerkbot: everything about this chat"), ""]
    lines += ["## " + t._("Partner organisations"), ""]
    lines += [f"- {o['name']}" for o in data["organisations"]] or ["–"]
    lines += ["", "## " + t._("Members"), ""]
    lines += [f"- {m['name']} ({orgs.get(m['organisation_id'], '–')})" for m in data["members"]]
    for run in data["flow_runs"]:
        flow = service.flows.get(run["flow"])
        lines += ["", f"## {t.key(run['flow'] + '.title')} #{run['number']}", ""]
        for answer in (a for a in data["answers"] if a["run_id"] == run["id"]):
            step = flow.step(answer["step"]) if flow and answer["step"] in flow.ids else None
            question = t.key(f"{step.key}.short") if step else answer["step"]
            if answer["skipped"]:
                value = t._("skipped")
            elif step is not None:  # choices by their labels; after "Other", its text
                value = unescape(TAG.sub("", show(step, answer["value"], t, answer["note"])))
            else:
                value = _plain(answer["value"])
            who = f"{answer['user_name']}, {orgs.get(answer['organisation_id'], '–')}"
            lines.append(f"- **{question}** ({who}, {answer['created_at']}): {value}")
        if flow is not None:  # skipped means open here too
            stored = await ctx.repo.run(run["id"])
            answers = await ctx.repo.answers(run["id"])
            partners = await ctx.repo.organisations(ctx.chat.id)
            members = await ctx.repo.members(ctx.chat.id)
            still = [t.key(f"{step.key}.short") + (f" ({who})" if who else "")
                     for phase in reached(flow, stored)
                     for step, who in open_items(phase, answers, partners, members)]
            lines += ["", t._("Still open: {items}", items="; ".join(still)) if still
                      else t._("Nothing is open in the phases reached so far.")]
    for checkin in data["checkins"]:
        lines += ["", "## " + t._("Check-in") + f" {checkin['opened_at']}", ""]
        for answer in (a for a in data["checkin_answers"] if a["checkin_id"] == checkin["id"]):
            lines.append(f"- {answer['user_name']}: {answer['question']} = "
                         f"{_plain(answer['value'])}")
    return "\n".join(lines) + "\n"


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


async def ask_forget(service: Service, ctx: Ctx) -> Outcome:
    t = ctx.t
    if not await ctx.is_admin():
        return Outcome().say(t._("Only the group's admins can do that."))
    return Outcome([Reply(
        t._("⚠️ <b>Delete everything?</b>\nThis removes all organisations, members, answers, "
            "check-ins and schedules of this chat, for good. Tip: /export first.\n"
            "Only an admin can confirm."),
        [[Button(t._("🗑 Yes, delete everything"), "fg:yes"),
          Button(t._("Cancel"), "fg:no")]])])


async def press_forget(service: Service, ctx: Ctx, answer: str,
                       message_id: int | None) -> Outcome:
    t = ctx.t
    if not await ctx.is_admin():
        return Outcome(toast=t._("Only the group's admins can do that."), alert=True)
    if answer != "yes":
        return Outcome([Reply(t._("Nothing was deleted."), edit=message_id)])
    await ctx.repo.forget_chat(ctx.chat.id)
    return Outcome([Reply(t._("🗑 Done: everything I held for this chat is deleted, and its "
                              "check-ins have stopped."), edit=message_id)],
                   toast=t._("Deleted"))


async def my_data(service: Service, ctx: Ctx) -> Outcome:
    """/mydata, in a private chat: everything the bot holds about this person."""
    t = ctx.t
    if ctx.in_group:
        return Outcome().say(t._("Ask me this in a private chat with me: there I show what I "
                                 "hold about you, and only to you."))
    user_id = ctx.actor.user_id
    lines = [t._("🔎 <b>What I hold about you</b>")]
    memberships = [m for m in await ctx.repo.memberships(user_id) if m[0] != ctx.chat.id]
    answers = await ctx.repo.answers_by(user_id)
    if not memberships and not [a for a in answers if a[0] != ctx.chat.id]:
        lines.append(t._("Nothing, apart from this private chat."))
    for chat_id, title, name, organisation in memberships:
        mine = [a for a in answers if a[0] == chat_id]
        lines += ["", t._("<b>{chat}</b>: you are {name}, of {organisation}; {n} answers.",
                          chat=esc(title or str(chat_id)), name=esc(name),
                          organisation=esc(organisation or "–"), n=len(mine))]
        for _chat, flow_id, step_id, value in mine:
            flow = service.flows.get(flow_id)
            step = flow.step(step_id) if flow and step_id in flow.ids else None
            label = t.key(f"{step.key}.short") if step else step_id
            shown = t._("skipped") if value is None else _plain(value)
            lines.append(f"   • {esc(label)}: {esc(shown[:200])}")
    lines += ["", t._("/forgetme removes your name from all of this.")]
    return Outcome().say("\n".join(lines))


async def ask_forget_me(service: Service, ctx: Ctx) -> Outcome:
    t = ctx.t
    if ctx.in_group:
        return Outcome().say(t._("Ask me this in a private chat with me."))
    return Outcome([Reply(
        t._("⚠️ <b>Forget you?</b>\nIn every group your answers stay, without your name, so "
            "the group's work is not lost; your membership and this private chat are "
            "deleted."),
        [[Button(t._("🗑 Yes, forget me"), "fm:yes"), Button(t._("Cancel"), "fm:no")]])])


async def press_forget_me(service: Service, ctx: Ctx, answer: str,
                          message_id: int | None) -> Outcome:
    t = ctx.t
    if ctx.in_group:
        return Outcome(toast=t._("This button no longer works."))
    if answer != "yes":
        return Outcome([Reply(t._("Nothing was deleted."), edit=message_id)])
    count = await ctx.repo.forget_member(ctx.actor.user_id)
    await ctx.repo.forget_chat(ctx.chat.id)
    return Outcome([Reply(t._("🗑 Done: {n} answers no longer carry your name, and I forgot "
                              "you as a member everywhere.", n=count), edit=message_id)],
                   toast=t._("Deleted"))
