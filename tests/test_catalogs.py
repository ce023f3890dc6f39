"""Every text exists in every language, without fuzzy entries or mismatched placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.core.flows import load_all
from bot.core.i18n import DOMAINS, LANGUAGES, texts
from bot.core.paths import LOCALES
from bot.features.tips import TipLibrary

PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?(\w+)")


def catalog(language: str, domain: str):
    with (LOCALES / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("domain", DOMAINS)
def test_same_messages_in_every_language(domain):
    ids = [{m.id for m in catalog(lang, domain) if m.id} for lang in LANGUAGES]
    assert all(i == ids[0] for i in ids)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_complete_not_fuzzy_placeholders_match(language, domain):
    cat = catalog(language, domain)
    assert not cat.fuzzy, "the header is marked fuzzy"
    for message in cat:
        if not message.id:
            continue
        # a plural has its forms as tuples: each form against the singular msgid
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{language}/{domain}: no translation for {message.id!r}"
        assert not message.fuzzy, f"{language}/{domain}: fuzzy {message.id!r}"
        for form in forms:
            assert sorted(PLACEHOLDER.findall(ids[0])) == sorted(
                PLACEHOLDER.findall(form)), f"{language}: placeholders of {message.id!r}"
            if domain == "messages":
                assert sorted(TAG.findall(ids[0])) == sorted(TAG.findall(form))


def test_every_message_in_the_code_is_in_the_catalog(tmp_path: Path):
    """Extract from the source: nothing may be missing from the catalogs."""
    pot = tmp_path / "messages.pot"
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(root / "babel.cfg"), "-k", "_", "-k", "n_:1,2", "-o", str(pot),
                    str(root / "bot")], check=True, capture_output=True)
    with pot.open("rb") as fh:
        extracted = {m.id for m in read_po(fh) if m.id}
    known = {m.id for m in catalog("nl", "messages") if m.id}
    assert extracted - known == set(), "run the catalog update in the README"


def test_every_content_key_is_translated():
    tips = TipLibrary()
    keys = [key for flow in load_all(known_tips=tips.ids()).values() for key in flow.text_keys()]
    for tip in tips.tips.values():
        keys += [f"tip.{tip.id}.title", f"tip.{tip.id}.text", f"source.{tip.source}"]
    keys += [f"theme.{theme}" for theme in tips.themes]
    for language in LANGUAGES:
        missing = [k for k in keys if not texts(language).has(k)]
        assert not missing, f"{language}: {missing}"


def test_dates_are_formatted_for_the_language():
    from datetime import date
    assert texts("nl").date(date(2026, 12, 7)) == "7 december 2026"
    assert texts("en").date(date(2026, 12, 7)) == "December 7, 2026"


def test_every_language_names_every_command_in_its_words_file(tmp_path):
    from bot import compose
    from bot.core.clock import FakeClock
    from bot.store.memory import MemoryStore

    router = compose.build(MemoryStore(), FakeClock()).router
    for language in LANGUAGES:
        words = yaml.safe_load((LOCALES / language / "words.yaml").read_text(encoding="utf-8"))
        assert {"name", "at", "commands", "schedule", "stop_words"} <= set(words), language
        missing = set(router.commands) - {c for c, spec in words["commands"].items()
                                          if spec.get("names")}
        assert not missing, f"{language}: no names for {sorted(missing)}"
