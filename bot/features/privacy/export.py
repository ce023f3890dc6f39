"""/export: everything the bot holds for one chat, as JSON (complete, for machines: every
row with its ids, and next to an id its label as members saw it) and as Markdown (for
people: labels, local times, the process, the check-ins, the scans and the schedule). An
anonymous scan is exported as the group saw it (privacy/scans.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from bot.core.context import Ctx
from bot.core.flows import Flow
from bot.core.outcome import Outcome, Reply
from bot.features.privacy.labels import Labels, Vocabulary
from bot.features.privacy.markdown import markdown
from bot.features.privacy.scans import as_seen

FORMAT = "samenwerkbot-export"
VERSION = 2  # 1 had no version field and no labels


async def export(ctx: Ctx, flows: Mapping[str, Flow], words: Vocabulary,
                 now: datetime) -> Outcome:
    data = await ctx.repo.export_chat(ctx.chat.id)
    for row in data["answers"]:  # answers are kept as JSON; check-in answers as text
        if isinstance(row.get("value"), str):
            try:
                row["value"] = json.loads(row["value"])
            except ValueError:
                pass
    for row in data["network_links"]:  # which network: by its name, as the group saw it
        network = await ctx.repo.network(row["network_id"])
        row["network_label"] = network.name if network else None
    labels = Labels(ctx.t, flows, words, ctx.chat.timezone)
    as_seen(data, labels)
    stamp = now.astimezone(labels.zone).strftime("%Y%m%d")
    as_json = json.dumps({
        "format": FORMAT, "version": VERSION, "chat_id": ctx.chat.id,
        "exported_at": now.isoformat(), "language": ctx.t.language,
        "timezone": ctx.chat.timezone, "tables": labelled(data, labels),
    }, ensure_ascii=False, indent=2).encode()
    text = await markdown(ctx, labels, data, now)
    return Outcome([
        Reply(ctx.t._("📦 Everything I hold for this chat, as data (JSON)."),
              file=(f"samenwerkbot-{stamp}.json", as_json)),
        Reply(ctx.t._("📄 The same, to read (Markdown)."),
              file=(f"samenwerkbot-{stamp}.md", text.encode())),
    ])


def labelled(data: dict[str, list[dict]], labels: Labels) -> dict[str, list[dict]]:
    """The rows as stored, each id that members saw as a word with `<column>_label` next to
    it (in the chat's language)."""
    orgs = {o["id"]: o["name"] for o in data["organisations"]}
    flow_of = {r["id"]: r["flow"] for r in data["flow_runs"]}
    for row in data["flow_runs"]:
        row["flow_label"] = labels.flow(row["flow"])
    for row in data["answers"]:
        flow = flow_of.get(row["run_id"], "")
        row["step_label"] = labels.question(flow, row["step"])
        row["value_label"] = labels.answer_data(flow, row["step"], row["value"], row["note"],
                                                bool(row["skipped"]))
    for row in data["checkin_answers"]:
        row["question_label"] = labels.checkin_question(row["question"])
        row["value_label"] = labels.checkin_answer(row["question"], row["value"])
    for row in data["scan_scores"]:
        row["condition_label"] = labels.condition(row["condition"])
    for row in data["schedules"]:
        row["rule_label"] = labels.schedule(row["rule"], row["timezone"])
    for table in ("members", "answers", "checkin_answers", "scan_scores"):
        for row in data[table]:
            row["organisation_label"] = orgs.get(row["organisation_id"])
    return data
