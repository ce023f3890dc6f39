"""The dates of the agreement, for its calendar: the answers to the date steps the flow's
`calendar` names, and the dates typed in its text answers ("Flyer klaar 1 maart 2027",
"evaluatie op 1-6-2027"), read as the process reads dates (bot.core.dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale

from bot.core.dates import read_date
from bot.core.entities import Answer
from bot.core.flows import Flow, Step
from bot.core.i18n import LANGUAGES, Texts

# Dates inside a sentence. Only forms that name a day unmistakably: a number date needs its
# year (in running text "2-3 keer" is not 2 March), a month by name needs its day, or
# "begin"/"eind" before it.
WORD = r"[^\W\d_]{3,}\.?"
DAY = r"\d{1,2}(?:e|ste|de|st|nd|rd|th)?\.?"
YEAR = r"(?:,?\s+[12]\d{3})?"
CANDIDATE = re.compile(
    rf"\b[12]\d{{3}}-\d{{1,2}}-\d{{1,2}}\b"
    rf"|\b\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:[12]\d{{3}}|\d{{2}})\b"
    rf"|\b{DAY}\s+(?P<after>{WORD}){YEAR}"
    rf"|\b(?P<before>{WORD})\s+{DAY}{YEAR}(?!\w)"
    rf"|\b(?:begin|start|eind|end)(?:\s+(?:of|van))?\s+(?P<edge>{WORD}){YEAR}")
# Small words a title is better without once the dates are taken out ("klaar op", "by").
SMALL = r"(?:op|on|per|rond|around|om|at|in|vanaf|from|uiterlijk|by|voor|before|en|and|of)"
DANGLING = re.compile(rf"^{SMALL}\s+|\s+{SMALL}$", re.IGNORECASE)
MAX_TITLE = 80


@dataclass(frozen=True)
class Moment:
    day: date
    step: str
    title: str  # what the calendar shows
    details: tuple[str, ...]  # the lines it came from


@cache
def _month_names() -> tuple[frozenset[str], frozenset[str]]:
    """Month names and abbreviations, and the full names, in every language we speak."""
    names, full = set(), set()
    for language in LANGUAGES:
        months = Locale.parse(language).months["format"]
        full |= {n.lower() for n in months["wide"].values()}
        names |= full | {n.lower().rstrip(".") for n in months["abbreviated"].values()}
    return frozenset(names), frozenset(full)


def _is_month(word: str) -> bool:
    """As the date reader takes a month: a name, an abbreviation, or the start of a name
    ("sept"). Anything else would send the candidate to the slow, lenient fallback."""
    names, full = _month_names()
    word = word.lower().rstrip(".")
    return word in names or any(n.startswith(word) for n in full)


def dates_in(text: str, today: date, languages: tuple[str, ...]) -> list[tuple[date, str]]:
    """Each date in a line of text, with the text it was written as."""
    found, at = [], 0
    while match := CANDIDATE.search(text, at):
        word = match.group("after") or match.group("before") or match.group("edge")
        likely = word is None or (_is_month(word) and (
            not match.group("before") or word[0].isupper() or re.search(r"\d{4}$", match[0])))
        # ("we may 5 people": a month first needs a capital or a year)
        reading = read_date(match.group(0), today, languages) if likely else None
        if reading is not None and reading.value is not None:
            found.append((reading.value, match.group(0)))
            at = match.end()
        else:  # "klaar 1" is no date, but "1 maart" right after it may be
            at = match.start() + 1
    return found


def moments(t: Texts, flow: Flow, answers: list[Answer], timezone: str) -> list[Moment]:
    """Every dated moment of the calendar steps, one a day, in order."""
    languages = tuple(dict.fromkeys((t.language, *LANGUAGES)))
    zone = ZoneInfo(timezone)
    found: dict[date, Moment] = {}
    # Date steps first: on a day both name, their title leads and the text adds its line.
    steps = sorted((flow.step(s) for s in flow.calendar), key=lambda s: s.kind != "date")
    for step in steps:
        label = t.key(f"{step.key}.short")
        for answer in _counted(step, answers):
            if step.kind == "date":
                day = date.fromisoformat(str(answer.value))
                _add(found, Moment(day, step.id, t._("{what} of the collaboration",
                                                     what=label), ()))
                continue
            today = answer.created_at.astimezone(zone).date()  # "1 juni": the next one then
            for line in re.split(r"[\n;]+", str(answer.value)):
                line = " ".join(line.strip(" •-*\t").split())
                dated = dates_in(line, today, languages)
                title = _title(label, line, [written for _, written in dated])
                for day, _written in dated:
                    _add(found, Moment(day, step.id, title, (line,)))
    return sorted(found.values(), key=lambda m: (m.day, flow.index(m.step)))


def _counted(step: Step, answers: list[Answer]) -> list[Answer]:
    """The answers that count: each organisation's (or member's) last, or the group's."""
    mine = [a for a in answers if a.step == step.id and not a.skipped and a.value]
    if step.collect:
        return mine
    if step.scope == "organisation":
        return list({a.organisation_id: a for a in mine}.values())
    if step.scope == "member":
        return list({a.user_id: a for a in mine}.values())
    return mine[-1:]


def _add(found: dict[date, Moment], moment: Moment) -> None:
    """One event a day: what else is said of that day adds its line to it."""
    if moment.day in found:
        old = found[moment.day]
        moment = Moment(old.day, old.step, old.title,
                        old.details + tuple(d for d in moment.details if d not in old.details))
    found[moment.day] = moment


def _title(label: str, line: str, written: list[str]) -> str:
    """"Mijlpalen en data: Flyer klaar" from "Flyer klaar op 1 maart 2027"."""
    rest = line
    for text in written:  # with the small word before it: "klaar op 1 maart"
        rest = re.sub(rf"(?:\b{SMALL}\s+)?{re.escape(text)}", " ", rest, flags=re.IGNORECASE)
    rest = " ".join(rest.split()).strip(" ,.:;–—-()")
    while (shorter := DANGLING.sub("", rest).strip(" ,.:;–—-()")) != rest:
        rest = shorter
    title = f"{label}: {rest}" if rest else label
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"
