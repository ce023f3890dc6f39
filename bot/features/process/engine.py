"""The state machine of a flow run, built with `transitions` from a flow definition.

One Machine per flow serves every run of that flow: a run's state lives in SQLite,
and a move adds the run as a model, fires one trigger and removes it again. So a
restart needs nothing but the stored state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transitions import Machine

from bot.core.flows import Flow, Step
from bot.core.progress import DONE, applicable


@dataclass
class RunModel:
    state: str
    answers: dict[str, object] = field(default_factory=dict)


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
        self.machine = Machine(
            model=None,
            states=[s.id for s in steps] + [DONE],
            transitions=transitions,
            initial=steps[0].id,
            auto_transitions=False,
            ignore_invalid_triggers=True,
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
                          "conditions": [lambda answers, s=step: applicable(s, answers)]})
        if fallback:
            chain.append({"trigger": trigger, "source": source, "dest": fallback})
        return chain

    @property
    def first(self) -> str:
        return self.flow.steps[0].id

    def move(self, state: str, trigger: str, answers: dict[str, object]) -> str:
        """The state after `trigger`; unchanged when the move is not possible."""
        model = RunModel(state, answers)
        self.machine.add_model(model, initial=state)
        try:
            model.trigger(trigger, answers)
        finally:
            self.machine.remove_model(model)
        return model.state
