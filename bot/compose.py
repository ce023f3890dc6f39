"""The composition root: the one module that knows every feature. It builds each
feature with the collaborators it needs; the router takes their declarations."""

from __future__ import annotations

from typing import Any

from bot.core.feature import Feature
from bot.features.organisations import Organisations
from bot.features.settings import Settings


def features(service: Any) -> list[Feature]:
    """The features, in the order of the command menu. (Features not converted yet are
    still served by bot/domain/commands.py, behind these.)"""
    return [
        Organisations(chosen=service.dialog.after_organisation_chosen),
        Settings(listing=lambda ctx: service.router.help(ctx)),
    ]
