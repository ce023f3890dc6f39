"""An anonymous scan in the export: only what the group saw. Once it closed, the averages
per condition for the group and for each organisation at least two of whose members scored
it (the scan kept an organisation on a score only then), how many took part, and the
remarks without names; while it is open, nothing of its scores. Never its rows of scores,
nor its salt. A named scan is exported as it is kept."""

from __future__ import annotations

from statistics import mean

from babel.numbers import format_decimal

from bot.core.i18n import Texts
from bot.features.privacy.labels import Labels

Rows = dict[str, list[dict]]


def as_seen(data: Rows, labels: Labels) -> None:
    """Each anonymous scan's rows replaced, in place, by its `result` as the group saw it."""
    orgs = {o["id"]: o["name"] for o in data["organisations"]}
    hidden: set[int] = set()
    for scan in data["scans"]:
        if not scan["anonymous"]:
            continue
        scan.pop("salt", None)
        mine = [s for s in data["scan_scores"] if s["scan_id"] == scan["id"]]
        closed = scan["closed_at"] is not None and scan.get("respondents") is not None
        if closed:
            scan["result"] = _result(mine, orgs, labels, scan["respondents"])
        # Scores never; the remarks once the group saw them with the result.
        hidden.update(id(s) for s in mine if s["score"] is not None or not closed)
    data["scan_scores"] = [s for s in data["scan_scores"] if id(s) not in hidden]


def _result(rows: list[dict], orgs: dict[int, str], labels: Labels, respondents: int) -> dict:
    scores = [s for s in rows if s["score"] is not None]
    order = list(labels.words.conditions) or sorted({s["condition"] for s in scores})

    def averages(mine: list[dict]) -> list[dict]:
        return [{"condition": c, "condition_label": labels.condition(c),
                 "average": round(mean(s["score"] for s in mine if s["condition"] == c), 1)}
                for c in order if any(s["condition"] == c for s in mine)]

    shown = [o for o in orgs if any(s["organisation_id"] == o for s in scores)]
    return {
        "respondents": respondents,
        "group": averages(scores),
        "organisations": [{"organisation_id": o, "organisation_label": orgs[o],
                           "averages": averages([s for s in scores
                                                 if s["organisation_id"] == o])}
                          for o in shown],
        "organisations_not_shown": len(orgs) - len(shown),
    }


def lines(t: Texts, scan: dict, remarks: list[dict]) -> list[str]:
    """The Markdown of an anonymous scan's result (after its heading and dates)."""
    result = scan.get("result")
    if result is None:
        return []

    def said(averages: list[dict]) -> str:
        return " · ".join(f"{a['condition_label']}: "
                          f"{format_decimal(a['average'], format='0.0', locale=t.locale)}"
                          for a in averages) or "–"

    found = ["", t._("Taking part: {n}", n=result["respondents"]) + " · "
             + t._("only the averages, as the group saw them."),
             "", f"- {t._('The group')}: {said(result['group'])}"]
    found += [f"- {o['organisation_label']}: {said(o['averages'])}"
              for o in result["organisations"]]
    if result["organisations_not_shown"]:
        total = result["organisations_not_shown"] + len(result["organisations"])
        found += ["", t._("Not shown apart, as fewer than two of their members scored: "
                          "{n} of the {total} organisations.",
                          n=result["organisations_not_shown"], total=total)]
    said_remarks = [f"- 💬 {r['remark']}".replace("\n", "\n  ") for r in remarks
                    if r["remark"]]
    return found + (["", *said_remarks] if said_remarks else [])
