"""The state machine of a flow run, built with `transitions` from a flow definition.

One AsyncMachine per flow serves every run of that flow: a run's state lives in the
store, and a move adds the run as a model, fires one trigger and removes it again, so a
restart needs nothing but the stored state. The machine owns what a move sets off: before
it, the caller's hooks store the move (and close a phase); entering "done" finishes the
run; after any other move the next question is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from transitions.extensions.asyncio import AsyncMachine

from bot.core.flows import Flow, Step
from bot.core.progress import DONE, applicable


class Hooks(Protocol):
    async def leaving(self, source: str, dest: str, trigger: str) -> None: ...

    async def finished(self) -> None: ...

    async def arrived(self, dest: str, trigger: str) -> None: ...


@dataclass
class RunModel:
    state: str
    answers: dict[str, object] = field(default_factory=dict)
    hooks: Hooks | None = None  # None: only where the move leads (tests, checks)


async def _before(event) -> None:
    if event.model.hooks is not None:
        await event.model.hooks.leaving(event.transition.source, event.transition.dest,
                                        event.event.name)


async def _entered_done(event) -> None:
    if event.model.hooks is not None:
        await event.model.hooks.finished()


async def _after(event) -> None:
    if event.model.hooks is not None and event.transition.dest != DONE:
        await event.model.hooks.arrived(event.transition.dest, event.event.name)


class Engine:
    """Moves: next, back, skip (= next, recorded by the caller), restart (the phase)."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        steps = flow.steps
        transitions: list[dict] = []
        for i, step in enumerate(steps):
            transitions += self._chain("next", step.id, steps[i + 1:], DONE)
            transitions += self._chain("back", step.id, list(reversed(steps[:i])), None)
            first = flow.phase(step.phase).steps[0]
            transitions.append({"trigger": "restart", "source": step.id, "dest": first.id})
        for move in transitions:
            move.update(before=[_before], after=[_after])
        self.machine = AsyncMachine(
            model=None,
            states=[s.id for s in steps] + [{"name": DONE, "on_enter": [_entered_done]}],
            transitions=transitions,
            initial=steps[0].id,
            auto_transitions=False,
            ignore_invalid_triggers=True,
            send_event=True,
        )

    @staticmethod
    def _chain(trigger: str, source: str, candidates: list[Step], fallback: str | None) -> list:
        # The first transition whose condition holds wins, so list candidates in order
        # and stop at the first one without a condition.
        chain = []
        for step in candidates:
            if step.when is None:
                chain.append({"trigger": trigger, "source": source, "dest": step.id})
                return chain
            chain.append({"trigger": trigger, "source": source, "dest": step.id,
                          "conditions": [lambda event, s=step: applicable(s, event.model.answers)]})
        if fallback:
            chain.append({"trigger": trigger, "source": source, "dest": fallback})
        return chain

    @property
    def first(self) -> str:
        return self.flow.steps[0].id

    async def move(self, state: str, trigger: str, answers: dict[str, object],
                   hooks: Hooks | None = None) -> str:
        """The state after `trigger` (unchanged when the move is not possible), with
        `hooks` called on the way."""
        model = RunModel(state, answers, hooks)
        self.machine.add_model(model, initial=state)
        try:
            await model.trigger(trigger)
        finally:
            self.machine.remove_model(model)
        return model.state
