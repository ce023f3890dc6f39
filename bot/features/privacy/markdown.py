"""The export to read: what the chat holds, as its members saw it (labels, not ids; times
in the chat's time zone and language), section by section: partners and members, each run
phase by phase with what is still open, the check-in schedule and rounds, the scans, and
the networks the group linked to."""

from __future__ import annotations

from datetime import datetime

from bot.core.context import Ctx
from bot.core.flows import Flow
from bot.core.i18n import Texts
from bot.core.progress import open_items, reached
from bot.features.privacy.labels import WHEN, Labels
from bot.features.privacy.scans import lines as anonymous

Rows = dict[str, list[dict]]


async def markdown(ctx: Ctx, labels: Labels, data: Rows, now: datetime) -> str:
    t = ctx.t
    orgs = {o["id"]: o["name"] for o in data["organisations"]}
    title = data["chats"][0]["title"] if data["chats"] else ""
    lines = ["# " + t._("Samenwerkbot: everything about this chat"), ""]
    lines.append(t._("{chat} · exported on {when} · times in {zone}", chat=title or "–",
                     when=t.datetime(now, labels.timezone, WHEN), zone=labels.timezone))
    lines += ["", "## " + t._("Partner organisations"), ""]
    lines += [f"- {o['name']}" for o in data["organisations"]] or ["–"]
    lines += ["", "## " + t._("Members"), ""]
    lines += [f"- {m['name']} ({orgs.get(m['organisation_id'], '–')})"
              for m in data["members"]] or ["–"]
    for run in data["flow_runs"]:
        lines += await _run(ctx, labels, data, run, orgs)
    lines += _checkins(t, labels, data, orgs)
    lines += _scans(t, labels, data, orgs)
    lines += _networks(t, labels, data)
    return "\n".join(lines) + "\n"


def _who(t: Texts, row: dict, orgs: dict[int, str]) -> str:
    name = row["user_name"] or t._("a former member")  # /forgetme took the name off
    return f"{name}, {orgs.get(row['organisation_id'], '–')}"


def _item(text: str) -> str:
    """One list item; the lines of a long answer stay inside it."""
    return "- " + text.replace("\n", "\n  ")


async def _run(ctx: Ctx, labels: Labels, data: Rows, run: dict,
               orgs: dict[int, str]) -> list[str]:
    t = ctx.t
    flow: Flow | None = labels.flows.get(run["flow"])
    lines = ["", f"## {labels.flow(run['flow'])} #{run['number']}", "",
             t._("Started on {when}.", when=labels.when(run["started_at"]))]
    answers = [a for a in data["answers"] if a["run_id"] == run["id"]]

    def line(a: dict) -> str:
        value = labels.answer(run["flow"], a["step"], a["value"], a["note"], bool(a["skipped"]))
        return _item(f"**{labels.question(run['flow'], a['step'])}** "
                     f"({_who(t, a, orgs)}, {labels.when(a['created_at'])}): {value}")

    if flow is None:  # a flow no longer defined: its answers as they are
        return lines + [""] + [line(a) for a in answers]
    stored = await ctx.repo.run(run["id"])
    given = await ctx.repo.answers(run["id"])
    partners = await ctx.repo.organisations(ctx.chat.id)
    members = await ctx.repo.members(ctx.chat.id)
    still = {phase.id: open_items(phase, given, partners, members)
             for phase in (reached(flow, stored) if stored else [])}
    for phase in flow.phases:
        ids = {s.id for s in phase.steps}
        mine = sorted((a for a in answers if a["step"] in ids),
                      key=lambda a: (flow.index(a["step"]), a["id"]))
        open_ = [t.key(f"{step.key}.short") + (f" ({who})" if who else "")
                 for step, who in still.get(phase.id, [])]
        if not mine and not open_:
            continue
        lines += ["", "### " + t._("Phase {n}/{total} · {phase}",
                                   n=flow.phase_number(phase.id), total=len(flow.phases),
                                   phase=t.key(f"{phase.key}.title")), ""]
        lines += [line(a) for a in mine]
        if open_:
            lines += ["", t._("Still open: {items}", items="; ".join(open_))]
    left = [a for a in answers if a["step"] not in flow.ids]  # steps since removed
    if left:
        lines += [""] + [line(a) for a in left]
    if not any(still.values()):
        lines += ["", t._("Nothing is open in the phases reached so far.")]
    return lines


def _checkins(t: Texts, labels: Labels, data: Rows, orgs: dict[int, str]) -> list[str]:
    lines = ["", "## " + t._("Check-ins"), ""]
    schedule = data["schedules"][0] if data["schedules"] else None
    if schedule is None:
        lines.append(t._("No check-ins are planned yet."))
    else:
        lines.append(t._("Schedule: {rule}", rule=labels.schedule(schedule["rule"],
                                                                  schedule["timezone"])))
        if schedule["paused_until"]:
            lines.append(t._("⏸ Paused until {date}.", date=t.date(
                datetime.fromisoformat(schedule["paused_until"]).date())))
        if schedule["next_at"]:
            lines.append(t._("Next check-in: {when}.", when=labels.when(schedule["next_at"])))
    order = list(labels.words.checkin_questions)
    for checkin in data["checkins"]:
        lines += ["", "### " + t._("Check-in of {when}", when=labels.when(checkin["opened_at"])),
                  ""]
        lines.append(t._("Closed on {when}.", when=labels.when(checkin["closed_at"]))
                     if checkin["closed_at"] else t._("This round is still open."))
        last: dict[tuple[int, str], dict[str, dict]] = {}  # the answer that counts: the last
        for a in data["checkin_answers"]:
            if a["checkin_id"] == checkin["id"]:
                last.setdefault((a["user_id"], a["user_name"]), {})[a["question"]] = a
        if not last:
            lines += ["", t._("Nobody answered.")]
            continue
        lines.append("")
        for given in last.values():
            questions = sorted(given, key=lambda q: order.index(q) if q in order else len(order))
            first = next(iter(given.values()))
            said = " · ".join(f"{labels.checkin_question(q)}: "
                              f"{labels.checkin_answer(q, given[q]['value'])}" for q in questions)
            lines.append(_item(f"{_who(t, first, orgs)}: {said}"))
    return lines


def _scans(t: Texts, labels: Labels, data: Rows, orgs: dict[int, str]) -> list[str]:
    if not data["scans"]:
        return []
    lines = ["", "## " + t._("Collaboration scans")]
    for scan in data["scans"]:
        rows = [s for s in data["scan_scores"] if s["scan_id"] == scan["id"]]
        lines += _scan(t, labels, scan, rows, orgs)
    return lines


def _scan(t: Texts, labels: Labels, scan: dict, rows: list[dict],
          orgs: dict[int, str]) -> list[str]:
    heading = t._("Collaboration scan #{n}", n=scan["number"])
    if scan["anonymous"]:
        heading += " · " + t._("anonymous")
    lines = ["", "### " + heading, "",
             t._("Opened on {when}.", when=labels.when(scan["opened_at"])),
             t._("Closed on {when}.", when=labels.when(scan["closed_at"]))
             if scan["closed_at"] else t._("This scan is still open.")]
    if scan["anonymous"]:  # what the group saw: averages, never anyone's scores
        return lines + anonymous(t, scan, rows)
    people: dict[int, dict[str, dict]] = {}  # per respondent, per condition the last score
    for s in rows:
        if s["score"] is not None:
            people.setdefault(s["respondent"], {})[s["condition"]] = s
    order = list(labels.words.conditions)
    if rows:
        lines.append("")
    for scores in people.values():
        conditions = sorted(scores, key=lambda c: order.index(c) if c in order else len(order))
        said = " · ".join(f"{labels.condition(c)}: {scores[c]['score']}" for c in conditions)
        lines.append(_item(f"{_who(t, next(iter(scores.values())), orgs)}: {said}"))
    for s in rows:
        if s["remark"]:
            lines.append(_item(f"💬 {_who(t, s, orgs)}: {s['remark']}"))
    return lines


def _networks(t: Texts, labels: Labels, data: Rows) -> list[str]:
    """Each network the group linked to: since when, by whom, whether it shares its
    summaries; one it unlinked from stays (for the coordinators' next digest) a while."""
    if not data["network_links"]:
        return []
    names = {m["user_id"]: m["name"] for m in data["members"]}
    lines = ["", "## " + t._("Networks"), ""]
    for row in data["network_links"]:
        # An admin it was; their name only while they are a member (not after /forgetme).
        who = names.get(row["linked_by"]) or t._("an admin")
        said = t._("linked on {when} by {who}", when=labels.when(row["linked_at"]), who=who)
        if row["unlinked_at"]:
            said += "; " + t._("unlinked on {when}", when=labels.when(row["unlinked_at"]))
        else:
            said += "; " + (t._("summaries shared") if row["share_summaries"] else
                            t._("summaries not shared"))
        lines.append(_item(f"**{row.get('network_label') or '–'}**: {said}"))
    return lines
