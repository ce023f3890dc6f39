"""Flow definitions: load flows/*.yaml, validate, and name every problem by file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.kinds import KINDS
from bot.core.paths import FLOWS

SCOPES = ("group", "organisation", "member")
ID = re.compile(r"^[a-z][a-z0-9_]*$")
TIP_ID = re.compile(r"^[a-z][a-z0-9-]*$")


class FlowError(Exception):
    """A bad flow file; the message starts with file:line."""


@dataclass(frozen=True)
class Condition:
    step: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    id: str
    phase: str
    kind: str
    scope: str
    choices: tuple[str, ...]
    tip: str | None
    when: Condition | None
    key: str  # catalog key of the question
    collect: bool = False  # answers add up; moves on only with "next"
    not_before: str | None = None  # date steps: an earlier date step this one cannot precede

    def choice_key(self, choice: str) -> str:
        return f"{self.key}.{choice}"

    @property
    def values(self) -> tuple[str, ...]:
        """The values a button answer can take (its kind says)."""
        return KINDS[self.kind].values(self)


@dataclass(frozen=True)
class Phase:
    id: str
    steps: tuple[Step, ...]
    key: str


@dataclass
class Flow:
    id: str
    phases: tuple[Phase, ...]
    path: Path
    # A finished run whose answers meet all of these starts the next round.
    repeat_when: tuple[Condition, ...] | None = None
    # What outputs read, by step id (checked when the file is loaded): the agreement's
    # sections in order, each with its steps; the choice step whose answer suggests the
    # check-in rhythm, and the date step that gives its weekday; the date and text steps
    # whose dates go into the agreement's calendar.
    agreement: tuple[tuple[str, tuple[str, ...]], ...] = ()
    checkin_rhythm: tuple[str, str | None] | None = None
    calendar: tuple[str, ...] = ()
    # A decision the next phase waits for: every organisation's answer to the step must
    # be one of the values before the group leaves the step's phase (admins can override).
    gate: Condition | None = None
    # What a finished run ends with: the catalog key of the first ending whose condition
    # holds (partners who stop are not invited to a next round), else <flow>.done.
    endings: tuple[tuple[Condition, str], ...] = ()
    steps: tuple[Step, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.steps = tuple(s for p in self.phases for s in p.steps)
        self._index = {s.id: i for i, s in enumerate(self.steps)}
        self._phase_index = {p.id: i for i, p in enumerate(self.phases)}

    @property
    def ids(self) -> set[str]:
        return set(self._index)

    def step(self, step_id: str) -> Step:
        return self.steps[self._index[step_id]]

    def index(self, step_id: str) -> int:
        return self._index[step_id]

    def phase(self, phase_id: str) -> Phase:
        return self.phases[self._phase_index[phase_id]]

    def phase_number(self, phase_id: str) -> int:
        return self._phase_index[phase_id] + 1

    def text_keys(self) -> list[str]:
        """Every catalog key this flow needs."""
        keys = [f"{self.id}.title"]
        for phase in self.phases:
            keys += [f"{phase.key}.title", f"{phase.key}.intro"]
            for step in phase.steps:
                keys += [step.key, f"{step.key}.short"]
                keys += [step.choice_key(c) for c in step.choices]
        return keys


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping (as key `__line__`)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _fail(path: Path, line: object, message: str) -> FlowError:
    return FlowError(f"{path}:{line}: {message}")


def parse(path: Path, known_tips: set[str] | None = None) -> Flow:
    """Read and validate one flow file."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise _fail(path, line, f"not valid YAML: {exc.problem}") from None
    if not isinstance(data, dict):
        raise _fail(path, 1, "a flow file must be a mapping with `id` and `phases`")
    flow_id = data.get("id")
    if not isinstance(flow_id, str) or not ID.match(flow_id):
        raise _fail(path, data["__line__"], "`id` must be lowercase letters, digits and _")
    phases_data = data.get("phases")
    if not isinstance(phases_data, list) or not phases_data:
        raise _fail(path, data["__line__"], "`phases` must be a non-empty list")

    seen_steps: dict[str, Step] = {}
    phases = []
    for pdata in phases_data:
        if not isinstance(pdata, dict):
            raise _fail(path, data["__line__"], "each phase needs `id` and `steps`")
        line = pdata["__line__"]
        pid = pdata.get("id")
        if not isinstance(pid, str) or not ID.match(pid):
            raise _fail(path, line, "phase `id` must be lowercase letters, digits and _")
        if any(p.id == pid for p in phases):
            raise _fail(path, line, f"phase `{pid}` is defined twice")
        steps_data = pdata.get("steps")
        if not isinstance(steps_data, list) or not steps_data:
            raise _fail(path, line, f"phase `{pid}` needs a non-empty `steps` list")
        steps = []
        for sdata in steps_data:
            step = _step(path, flow_id, pid, sdata, seen_steps, known_tips)
            seen_steps[step.id] = step
            steps.append(step)
        phases.append(Phase(pid, tuple(steps), f"{flow_id}.{pid}"))
    unknown = set(data) - {"id", "phases", "repeat_when", "agreement", "checkin_rhythm",
                           "calendar", "gate", "endings", "__line__"}
    if unknown:
        raise _fail(path, data["__line__"], f"unknown field(s) {', '.join(sorted(unknown))}")
    repeat = None
    if "repeat_when" in data:
        given = data["repeat_when"]
        repeat = tuple(_condition(path, "repeat_when", each, seen_steps)
                       for each in (given if isinstance(given, list) else [given]))
    agreement = _agreement(path, data.get("agreement", []), seen_steps)
    rhythm = _rhythm(path, data.get("checkin_rhythm"), seen_steps)
    calendar = _calendar(path, data.get("calendar", []), seen_steps)
    gate = None
    if "gate" in data:
        gate = _condition(path, "gate", data["gate"], seen_steps)
        if seen_steps[gate.step].kind not in ("choice", "yesno"):
            raise _fail(path, data["gate"].get("__line__", "?"),
                        "`gate` needs a choice or yes/no step")
    endings = []
    for each in data.get("endings") or []:
        if not isinstance(each, dict) or not isinstance(each.get("text"), str):
            raise _fail(path, each.get("__line__", "?") if isinstance(each, dict) else "?",
                        "an ending needs `step`, `in` and `text` (a catalog key)")
        endings.append((_condition(path, "endings", each, seen_steps), each["text"]))
    return Flow(flow_id, tuple(phases), path, repeat, agreement, rhythm, calendar, gate,
                tuple(endings))


def _calendar(path: Path, data: object, steps: dict[str, Step]) -> tuple:
    """[step ids]: date steps, and text steps whose answers name dates."""
    bad = ([str(s) for s in data if s not in steps or steps[s].kind not in ("date", "text")]
           if isinstance(data, list) else None)
    if bad == []:
        return tuple(data)
    # A list keeps no line of its own: the message names the line of its key.
    line = next((n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if text.startswith("calendar:")), "?")
    if bad is None:
        raise _fail(path, line, "`calendar` must be a list of step ids")
    raise _fail(path, line, f"`calendar` names {', '.join(bad)}: not a date or text step "
                            "of this flow")


def _rhythm(path: Path, data: object, steps: dict[str, Step]) -> tuple[str, str | None] | None:
    """{every: a choice step, from: a date step (optional)}."""
    if data is None:
        return None
    line = data.get("__line__", "?") if isinstance(data, dict) else "?"
    every = data.get("every") if isinstance(data, dict) else None
    start = data.get("from") if isinstance(data, dict) else None
    if every not in steps or steps[every].kind != "choice":
        raise _fail(path, line, "`checkin_rhythm` needs `every`: a choice step")
    if start is not None and (start not in steps or steps[start].kind != "date"):
        raise _fail(path, line, "`checkin_rhythm`'s `from` must be a date step")
    return every, start


def _agreement(path: Path, data: object, steps: dict[str, Step]) -> tuple:
    """The agreement's sections: [{section: id, steps: [step ids]}], every step known."""
    if not isinstance(data, list):
        raise _fail(path, "?", "`agreement` must be a list of sections")
    sections = []
    for item in data:
        line = item.get("__line__", "?") if isinstance(item, dict) else "?"
        if not isinstance(item, dict) or not ID.match(str(item.get("section", ""))) \
                or not isinstance(item.get("steps"), list) or not item["steps"]:
            raise _fail(path, line, "an agreement section needs a `section` id and `steps`")
        unknown = [s for s in item["steps"] if s not in steps]
        if unknown:
            raise _fail(path, line, f"agreement section `{item['section']}` names unknown "
                                    f"step(s) {', '.join(map(str, unknown))}")
        sections.append((item["section"], tuple(item["steps"])))
    return tuple(sections)


def _step(path: Path, flow_id: str, phase_id: str, data: object, seen: dict[str, Step],
          known_tips: set[str] | None) -> Step:
    if not isinstance(data, dict):
        raise _fail(path, "?", f"a step in phase `{phase_id}` must be a mapping")
    line = data["__line__"]
    unknown = set(data) - {"id", "kind", "scope", "choices", "tip", "when", "collect",
                           "not_before", "__line__"}
    if unknown:
        raise _fail(path, line, f"unknown field(s) {', '.join(sorted(unknown))}")
    sid = data.get("id")
    if not isinstance(sid, str) or not ID.match(sid):
        raise _fail(path, line, "step `id` must be lowercase letters, digits and _")
    if sid in seen:
        raise _fail(path, line, f"step `{sid}` is defined twice")
    if sid == "done":
        raise _fail(path, line, "`done` is the name of a finished run; choose another step id")
    kind = data.get("kind")
    if kind not in KINDS:
        raise _fail(path, line, f"step `{sid}`: `kind` must be one of {', '.join(KINDS)}")
    scope = data.get("scope", "group")
    if scope not in SCOPES:
        raise _fail(path, line, f"step `{sid}`: `scope` must be one of {', '.join(SCOPES)}")
    choices = data.get("choices", [])
    if KINDS[kind].needs_choices:
        if not isinstance(choices, list) or len(choices) < 2 or len(choices) > 12:
            raise _fail(path, line, f"step `{sid}`: `choices` needs 2 to 12 ids")
        for c in choices:
            if not isinstance(c, str) or not ID.match(c):
                raise _fail(path, line, f"step `{sid}`: choice {c!r} is not a valid id")
        if len(set(choices)) != len(choices):
            raise _fail(path, line, f"step `{sid}`: a choice is listed twice")
    elif choices:
        raise _fail(path, line, f"step `{sid}`: only choice and multi steps have `choices`")
    tip = data.get("tip")
    if tip is not None:
        if not isinstance(tip, str) or not TIP_ID.match(tip):
            raise _fail(path, line, f"step `{sid}`: `tip` must be a tip id")
        if known_tips is not None and tip not in known_tips:
            raise _fail(path, line, f"step `{sid}`: unknown tip `{tip}`")
    when = None
    if "when" in data:
        when = _condition(path, sid, data["when"], seen)
    collect = data.get("collect", False)
    if collect not in (True, False) or (collect and kind != "text"):
        raise _fail(path, line, f"step `{sid}`: `collect` is true or false, and only for text")
    not_before = data.get("not_before")
    if not_before is not None and (kind != "date" or seen.get(not_before) is None
                                   or seen[not_before].kind != "date"):
        raise _fail(path, line, f"step `{sid}`: `not_before` is for date steps and names an "
                                "earlier date step")
    return Step(sid, phase_id, kind, scope, tuple(choices), tip, when,
                f"{flow_id}.{phase_id}.{sid}", collect, not_before)


def _condition(path: Path, sid: str, data: object, seen: dict[str, Step]) -> Condition:
    line = data.get("__line__", "?") if isinstance(data, dict) else "?"
    if not isinstance(data, dict) or "step" not in data or "in" not in data:
        raise _fail(path, line, f"step `{sid}`: `when` needs `step` and `in`")
    ref = seen.get(data["step"])
    if ref is None:
        raise _fail(path, line, f"step `{sid}`: `when` must refer to an earlier step")
    values = data["in"] if isinstance(data["in"], list) else [data["in"]]
    values = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    values = ["yes" if v == "true" else "no" if v == "false" else v for v in values]
    bad = [v for v in values if v not in ref.values]
    if not ref.values or bad:
        raise _fail(path, line, f"step `{sid}`: `when` value(s) {bad or values} are not "
                                f"answers of step `{ref.id}`")
    return Condition(ref.id, tuple(values))


def load_all(folder: Path = FLOWS, known_tips: set[str] | None = None) -> dict[str, Flow]:
    flows = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in ("tips.yaml", "scan.yaml"):
            continue
        flow = parse(path, known_tips)
        if flow.id in flows:
            raise _fail(path, 1, f"flow id `{flow.id}` is used by two files")
        flows[flow.id] = flow
    return flows
