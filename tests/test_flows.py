"""Flow definitions: valid, reachable, translated, and extendable without code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import compose
from bot.adapters.console import Console
from bot.core.clock import FakeClock
from bot.core.flows import FlowError, load_all, parse
from bot.core.paths import FLOWS, LOCALES
from bot.core.progress import DONE
from bot.features.process.engine import Engine
from bot.features.tips import TipLibrary
from bot.store.sqlite import SqliteStore

TIPS = TipLibrary()


async def walk(engine: Engine, answers: dict) -> list[str]:
    state, seen = engine.first, []
    while state != DONE:
        seen.append(state)
        state = await engine.move(state, "next", answers)
    return seen


@pytest.mark.parametrize("flow", load_all(known_tips=TIPS.ids()).values(), ids=lambda f: f.id)
async def test_every_step_is_reachable(flow):
    engine = Engine(flow)
    reached = set(await walk(engine, {}))
    for step in flow.steps:
        if step.when:
            reached |= set(await walk(engine, {step.when.step: step.when.values[0]}))
    assert reached == {s.id for s in flow.steps}


async def test_back_and_restart_moves():
    flow = load_all(known_tips=TIPS.ids())["process"]
    engine = Engine(flow)
    assert await engine.move(engine.first, "back", {}) == engine.first
    assert await engine.move("with_whom", "back", {}) == "why"
    assert await engine.move("kind", "restart", {}) == "organisations"
    # a conditional step is passed over when its condition does not hold
    assert await engine.move("roles", "next", {"roles": "equal"}) == "success"
    assert await engine.move("roles", "next", {"roles": "one_leads"}) == "leader"
    assert await engine.move("success", "back", {"roles": "equal"}) == "roles"


class Recorder:
    """Hooks that note what the machine sets off, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    async def leaving(self, source, dest, trigger):
        self.calls.append(("leaving", source, dest, trigger))

    async def finished(self):
        self.calls.append(("finished",))

    async def arrived(self, dest, trigger):
        self.calls.append(("arrived", dest, trigger))


async def test_the_machine_sets_off_each_move_and_finishes_on_entering_done():
    flow = load_all(known_tips=TIPS.ids())["pdca"]
    engine, hooks = Engine(flow), Recorder()
    last = flow.steps[-1].id
    assert await engine.move(last, "next", {}, hooks) == DONE
    assert hooks.calls == [("leaving", last, DONE, "next"), ("finished",)]
    hooks.calls.clear()
    assert await engine.move(flow.steps[1].id, "back", {}, hooks) == flow.steps[0].id
    assert hooks.calls == [("leaving", flow.steps[1].id, flow.steps[0].id, "back"),
                           ("arrived", flow.steps[0].id, "back")]
    hooks.calls.clear()
    assert await engine.move(flow.steps[0].id, "back", {}, hooks) == flow.steps[0].id
    assert hooks.calls == [], "an impossible move sets off nothing"


BAD_FLOWS = [
    ("id: x\nphases: []\n", "1", "phases"),
    ("id: x\nphases:\n  - id: a\n    steps:\n      - id: q\n        kind: essay\n", "5", "kind"),
    ("id: x\nphases:\n  - id: a\n    steps:\n      - id: q\n        kind: choice\n", "5",
     "choices"),
    ("id: x\nphases:\n  - id: a\n    steps:\n      - id: q\n        kind: text\n"
     "        tip: no-such-tip\n", "5", "unknown tip"),
    ("id: x\nphases:\n  - id: a\n    steps:\n      - id: q\n        kind: text\n"
     "        when: {step: later, in: [x]}\n", "7", "earlier step"),
    ("id: x\nphases:\n  - id: a\n    steps:\n      - id: q\n        kind: text\n"
     "        colour: red\n", "5", "colour"),
    ("id: x\nphases:\n  - id: a\n    steps: [\n", "5", "YAML"),
    ("id: x\nendings:\n  - step: q\n    in: [yes]\nphases:\n  - id: a\n    steps:\n"
     "      - id: q\n        kind: yesno\n", "3", "`text`"),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD_FLOWS)
def test_a_bad_flow_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(FlowError) as error:
        parse(path, TIPS.ids())
    assert str(error.value).startswith(f"{path}:{line}:"), str(error.value)
    assert words in str(error.value)


def test_a_bad_flow_stops_the_program(tmp_path, monkeypatch, capsys):
    from bot import cli
    shutil.copytree(FLOWS, tmp_path / "flows")
    (tmp_path / "flows" / "zz.yaml").write_text("id: zz\nphases: nope\n")
    broken = tmp_path / "flows"
    monkeypatch.setattr("bot.compose.load_all",
                        lambda folder, known_tips: load_all(broken, known_tips))
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert cli.main(["console"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "zz.yaml:1:" in error[0]


async def test_a_new_step_appears_without_code_changes(tmp_path: Path):
    flows, locales = tmp_path / "flows", tmp_path / "locales"
    shutil.copytree(FLOWS, flows)
    shutil.copytree(LOCALES, locales)
    process = flows / "process.yaml"
    process.write_text(process.read_text().replace(
        "      - id: with_whom\n",
        "      - id: mascot\n        kind: choice\n        choices: [cat, dog]\n"
        "      - id: with_whom\n", 1))
    for language, words in (("nl", ("Welke mascotte?", "Mascotte", "Kat", "Hond")),
                            ("en", ("Which mascot?", "Mascot", "Cat", "Dog"))):
        po = locales / language / "LC_MESSAGES" / "flows.po"
        keys = ["", ".short", ".cat", ".dog"]
        po.write_text(po.read_text() + "".join(
            f'\nmsgid "process.verkennen.mascot{k}"\nmsgstr "{w}"\n'
            for k, w in zip(keys, words, strict=True)))
    repo = await SqliteStore.open(tmp_path / "db.sqlite3")
    output: list[str] = []
    service = compose.build(repo, FakeClock(), flows_dir=flows, locales=locales)
    console = Console(service, "Anna", out=output.append)
    for line in ("/proces", "Club A, Club B", "/proces"):
        await console.handle(line)
    skip = next(i for i, (b, _) in enumerate(console.buttons, 1) if "Overslaan" in b.label)
    await console.handle(str(skip))
    await repo.close()
    shown = "\n".join(output)
    # The mascot counts, the steps asked only after a certain answer do not (yet).
    count = 1 + sum(1 for s in load_all()["process"].phase("verkennen").steps if s.when is None)
    assert f"vraag 3 van {count}" in shown and "Welke mascotte?" in shown and "Kat" in shown


@pytest.mark.parametrize(("old", "new", "words"), [
    ("- id: goals\n", "- id: aims\n", "agreement section `goals` names unknown step(s) goals"),
    ("every: frequency", "every: often", "`checkin_rhythm` needs `every`: a choice step"),
])
def test_an_output_naming_a_missing_step_stops_at_load(tmp_path, old, new, words):
    """The agreement and the check-in suggestion read steps the flow file names: a step
    renamed without them is caught with the line, not discovered in a board meeting."""
    path = tmp_path / "process.yaml"
    text = (FLOWS / "process.yaml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new))
    with pytest.raises(FlowError) as error:
        parse(path, TIPS.ids())
    message = str(error.value)
    assert words in message
    line = int(message.split(":")[1])
    assert path.read_text().splitlines()[line - 1].strip().startswith(("- section", "every:"))


def test_every_kind_a_flow_may_name_is_one_class_that_reads_and_shows():
    from datetime import date

    from bot.core.i18n import texts
    from bot.core.kinds import KINDS

    t, today = texts("nl"), date(2026, 12, 1)
    step = load_all(known_tips=TIPS.ids())["process"].step("practical")
    assert KINDS["date"].read("3 feb", today, ("nl",)).value == "2027-02-03"
    assert KINDS["date"].read("31-02-2027", today, ("nl",)).problem.problem == "impossible"
    assert KINDS["organisations"].read("A, B, a", today, ("nl",)).value == ["A", "B"]
    assert KINDS["choice"].read("iets", today, ("nl",)).problem == "buttons"
    assert KINDS["scale"].from_button(step, 4) == 5
    assert KINDS["multi"].show(step, ["time", "other"], t, "een bus") == "⏰ Tijd, een bus"
    assert KINDS["yesno"].show(step, "no", t) == "Nee"


def test_a_runs_life_is_a_machine_that_refuses_what_its_status_does_not_allow():
    from transitions import MachineError

    from bot.core.lifecycle import RUN as LIFECYCLE

    assert LIFECYCLE.move("active", "pause") == "paused"
    assert LIFECYCLE.move("paused", "resume") == "active"
    assert LIFECYCLE.move("active", "finish") == "done"
    assert LIFECYCLE.move("done", "reopen") == "active"
    for status, move in (("done", "pause"), ("paused", "finish"), ("active", "resume")):
        with pytest.raises(MachineError):
            LIFECYCLE.move(status, move)


def test_rounds_and_scans_have_lifecycles_too():
    from transitions import MachineError

    from bot.core.lifecycle import ROUND, SCAN

    assert ROUND.move("open", "remind") == "reminded"
    assert ROUND.move("reminded", "close") == ROUND.move("open", "close") == "closed"
    assert SCAN.move("open", "close") == "closed"
    for machine, status, move in ((ROUND, "reminded", "remind"), (ROUND, "closed", "close"),
                                  (SCAN, "closed", "close")):
        with pytest.raises(MachineError):
            machine.move(status, move)


def test_overeenkomen_fits_the_kind_of_collaboration_and_its_agreement_shows_every_step():
    """A short activity gets the unconditional steps, a project also those for [project,
    recurring], a recurring collaboration also the check-in rhythm (issue 17, item 5);
    every Overeenkomen step has its place in the agreement, and the end date goes into the
    calendar (item 4)."""
    flow = load_all(known_tips=TIPS.ids())["process"]
    steps = flow.phase("overeenkomen").steps
    assert all(s.when is None or s.when.step == "kind" for s in steps)
    assert {s.when.values for s in steps if s.when} == {("project", "recurring"), ("recurring",)}
    assert flow.step("frequency").when.values == ("recurring",)
    assert flow.checkin_rhythm[0] == "frequency" and "other" in flow.step("frequency").choices
    in_agreement = {s for _, ids in flow.agreement for s in ids}
    assert {s.id for s in steps} <= in_agreement
    assert "end_date" in flow.calendar and flow.step("end_date").kind == "date"
    assert flow.step("approval").scope == "organisation"
    # Verkennen: each organisation says for itself why, and whether it asked or was asked.
    assert flow.step("why").scope == flow.step("asked").scope == "organisation"
    # Delen: the problem before the ambition, the ambition before success.
    order = [s.id for s in flow.phase("delen").steps]
    assert order.index("problem") < order.index("ambition") < order.index("success")
