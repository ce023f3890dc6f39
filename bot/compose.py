"""The composition root: the one module that knows every feature, the store's port and
the front door. It builds each feature with the collaborators it needs, in the order of
the command menu; the router takes their declarations; adapters get the Service."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.core.clock import Clock
from bot.core.flows import load_all
from bot.core.i18n import LANGUAGES, Texts, texts
from bot.core.paths import FLOWS, LOCALES
from bot.core.ports import Store
from bot.features.agreement import Agreement
from bot.features.checkins import Checkins
from bot.features.checkins.questions import LABELS, TITLES
from bot.features.checkins.schedule import Rule
from bot.features.checkins.wizard import describe
from bot.features.network import Network
from bot.features.organisations import Organisations, choice_buttons
from bot.features.privacy import Privacy, Vocabulary
from bot.features.process import Process
from bot.features.process.dialog import Dialog
from bot.features.retention import Retention
from bot.features.scan import Scan, load_conditions
from bot.features.scan.result import tally
from bot.features.settings import Settings
from bot.features.status import Status
from bot.features.tips import TipLibrary, Tips, TipSearch
from bot.router import Router
from bot.service import Service


def build(store: Store, clock: Clock, *, language: str = "nl",
          timezone: str = "Europe/Amsterdam", flows_dir: Path = FLOWS,
          locales: Path = LOCALES, remind_after: timedelta = timedelta(days=1),
          close_after: timedelta = timedelta(days=3),
          retention: timedelta = timedelta(days=730)) -> Service:
    """The whole bot around one store."""
    def language_texts(code: str) -> Texts:
        return texts(code, locales)

    def tip_text(tip_id: str, t: Texts) -> str | None:
        tip = library.get(tip_id)
        return library.render(tip, t) if tip is not None else None

    def schedule_text(rule: str, zone: str, t: Texts) -> str:
        return describe(Rule.from_json(rule), zone, t)

    library = TipLibrary(flows_dir / "tips.yaml")
    flows = load_all(flows_dir, known_tips=library.ids())
    search = TipSearch(library, {code: language_texts(code) for code in LANGUAGES})
    dialog = Dialog(flows, clock, tip=tip_text, org_buttons=choice_buttons)
    process = Process(dialog)
    tips = Tips(library, search, flows, language_texts)
    conditions = load_conditions(flows_dir / "scan.yaml")
    # The export names check-in answers, schedules and scan conditions as members saw them.
    words = Vocabulary(TITLES, LABELS, schedule_text, tuple(c.id for c in conditions))
    router: Router | None = None
    features = [
        process,
        Status(flows, summary=dialog.summary),
        Organisations(chosen=dialog.after_organisation_chosen),
        tips,
        Checkins(store, clock, language_texts, flows=flows,
                 start_pdca=lambda ctx: dialog.start_or_continue(ctx, "pdca"),
                 revisit_delen=lambda ctx: dialog.go_to_phase(ctx, "process", "delen"),
                 start_closing=lambda ctx: dialog.start_or_continue(ctx, "closing"),
                 remind_after=remind_after, close_after=close_after),
        Agreement(clock, flows),
        Scan(conditions, library),
        Privacy(clock, flows, retention, words),
        Network(store, language_texts, flows["process"],
                lambda repo, scan: tally(repo, scan, list(words.conditions))),
        Settings(listing=lambda ctx: router.help(ctx)),
        Retention(store, language_texts, retention),
    ]
    router = Router(features, locales)
    return Service(store, clock, router, process=process, tips=tips, language=language,
                   timezone=timezone, locales=locales)


def from_settings(store: Store, settings, clock: Clock) -> Service:
    """The bot as the settings describe it (Telegram and console alike)."""
    return build(store, clock, language=settings.language, timezone=settings.timezone,
                 remind_after=settings.remind_after, close_after=settings.close_after,
                 retention=settings.retention)
