"""Lifecycles as `transitions` machines: one machine per kind of thing (a run, a check-in
round, a scan) serves every one of them, since their status lives in the store. A move
the status does not allow raises MachineError, so nothing wrong is ever written."""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine


@dataclass
class _Status:
    state: str


class Lifecycle:
    def __init__(self, states: list[str], moves: list[dict]) -> None:
        self.machine = Machine(model=None, states=states, transitions=moves,
                               initial=states[0], auto_transitions=False)

    def move(self, status: str, trigger: str) -> str:
        """The status after `trigger`."""
        model = _Status(status)
        self.machine.add_model(model, initial=status)
        try:
            model.trigger(trigger)
        finally:
            self.machine.remove_model(model)
        return model.state


RUN = Lifecycle(["active", "paused", "done"], [
    {"trigger": "pause", "source": "active", "dest": "paused"},
    {"trigger": "resume", "source": "paused", "dest": "active"},
    {"trigger": "finish", "source": "active", "dest": "done"},
    {"trigger": "reopen", "source": ["active", "paused", "done"], "dest": "active"},
])
ROUND = Lifecycle(["open", "reminded", "closed"], [  # a check-in round
    {"trigger": "remind", "source": "open", "dest": "reminded"},
    {"trigger": "close", "source": ["open", "reminded"], "dest": "closed"},
])
SCAN = Lifecycle(["open", "closed"], [
    {"trigger": "close", "source": "open", "dest": "closed"},
])
