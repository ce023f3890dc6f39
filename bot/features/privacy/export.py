"""/export: everything the bot holds for one chat, as JSON and as readable Markdown."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import unescape

from bot.core.context import Ctx
from bot.core.flows import Flow
from bot.core.kinds import show
from bot.core.outcome import Outcome, Reply
from bot.core.progress import open_items, reached

TAG = re.compile(r"<[^>]+>")


async def export(ctx: Ctx, flows: dict[str, Flow], now: datetime) -> Outcome:
    data = await ctx.repo.export_chat(ctx.chat.id)
    for row in data["answers"] + data["checkin_answers"]:
        if isinstance(row.get("value"), str):
            try:
                row["value"] = json.loads(row["value"])
            except ValueError:
                pass
    stamp = now.strftime("%Y%m%d")
    as_json = json.dumps({"chat_id": ctx.chat.id, "exported_at": now.isoformat(),
                          "tables": data}, ensure_ascii=False, indent=2).encode()
    return Outcome([
        Reply(ctx.t._("📦 Everything I hold for this chat, as data (JSON)."),
              file=(f"samenwerkbot-{stamp}.json", as_json)),
        Reply(ctx.t._("📄 The same, to read (Markdown)."),
              file=(f"samenwerkbot-{stamp}.md",
                    (await markdown(ctx, flows, data)).encode())),
    ])


async def markdown(ctx: Ctx, flows: dict[str, Flow], data: dict[str, list[dict]]) -> str:
    t = ctx.t
    orgs = {o["id"]: o["name"] for o in data["organisations"]}
    lines = ["# " + t._("Samenwerkbot: everything about this chat"), ""]
    lines += ["## " + t._("Partner organisations"), ""]
    lines += [f"- {o['name']}" for o in data["organisations"]] or ["–"]
    lines += ["", "## " + t._("Members"), ""]
    lines += [f"- {m['name']} ({orgs.get(m['organisation_id'], '–')})" for m in data["members"]]
    for run in data["flow_runs"]:
        flow = flows.get(run["flow"])
        lines += ["", f"## {t.key(run['flow'] + '.title')} #{run['number']}", ""]
        for answer in (a for a in data["answers"] if a["run_id"] == run["id"]):
            step = flow.step(answer["step"]) if flow and answer["step"] in flow.ids else None
            question = t.key(f"{step.key}.short") if step else answer["step"]
            if answer["skipped"]:
                value = t._("skipped")
            elif step is not None:  # choices by their labels; after "Other", its text
                value = unescape(TAG.sub("", show(step, answer["value"], t, answer["note"])))
            else:
                value = plain(answer["value"])
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
                         f"{plain(answer['value'])}")
    return "\n".join(lines) + "\n"


def plain(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
