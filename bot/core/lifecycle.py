"""Lifecycles as `transitions` machines: one machine per kind of thing (a run, a check-in
round, a scan) serves every one of them, since their status lives in the store. A move
the status does not allow raises MachineError, so nothing wrong is ever written. (A run's
steps have a machine per flow: bot/features/process/engine.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from transitions import Machine

from bot.core.entities import RoundStatus, RunStatus, ScanStatus


@dataclass
class _Status:
    state: str


class Lifecycle:
    def __init__(self, states: type[StrEnum], moves: list[dict]) -> None:
        self.states = states
        names = [s.value for s in states]
        self.machine = Machine(model=None, states=names, transitions=moves,
                               initial=names[0], auto_transitions=False)

    def move(self, status: StrEnum, trigger: str) -> StrEnum:
        """The status after `trigger`."""
        model = _Status(str(status))
        self.machine.add_model(model, initial=model.state)
        try:
            model.trigger(trigger)
        finally:
            self.machine.remove_model(model)
        return self.states(model.state)


RUN = Lifecycle(RunStatus, [
    {"trigger": "pause", "source": "active", "dest": "paused"},
    {"trigger": "resume", "source": "paused", "dest": "active"},
    {"trigger": "finish", "source": "active", "dest": "done"},
    {"trigger": "reopen", "source": ["active", "paused", "done"], "dest": "active"},
])
ROUND = Lifecycle(RoundStatus, [  # a check-in round
    {"trigger": "remind", "source": "open", "dest": "reminded"},
    {"trigger": "close", "source": ["open", "reminded"], "dest": "closed"},
])
SCAN = Lifecycle(ScanStatus, [
    {"trigger": "close", "source": "open", "dest": "closed"},
])
