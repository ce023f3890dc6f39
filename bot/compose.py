"""The composition root: the one module that knows every feature. It builds each
feature with the collaborators it needs; the router takes their declarations."""

from __future__ import annotations

from typing import Any

from bot.core.feature import Feature
from bot.features.agreement import Agreement
from bot.features.checkins import Checkins
from bot.features.organisations import Organisations
from bot.features.privacy import Privacy
from bot.features.process import Process
from bot.features.scan import Scan, load_conditions
from bot.features.settings import Settings
from bot.features.status import Status
from bot.features.tips import Tips


def features(service: Any) -> list[Feature]:
    """The features, in the order of the command menu. (Features not converted yet are
    still served by bot/domain/commands.py, behind these.)"""
    return [
        Process(service.dialog),
        Status(service.flows, summary=lambda ctx, run, phase, answers:
               service.dialog.summary(ctx, run, phase, answers)),
        Organisations(chosen=service.dialog.after_organisation_chosen),
        Tips(service.tips, service.search, service.flows, service.texts),
        Checkins(service.repo, service.clock, service.texts, flows=service.flows,
                 start_pdca=lambda ctx: service.dialog.start_or_continue(ctx, "pdca"),
                 revisit_delen=lambda ctx: service.dialog.go_to_phase(ctx, "process", "delen"),
                 remind_after=service.remind_after, close_after=service.close_after),
        Agreement(service.clock, service.flows),
        Scan(load_conditions(), service.tips, remember=service.repo.set_scan_message),
        Privacy(service.clock, service.flows, service.retention),
        Settings(listing=lambda ctx: service.router.help(ctx)),
    ]
