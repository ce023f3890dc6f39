"""A new language is its catalogs, its words file and its code in the list: a made-up
third language (Frisian, with its own command names) runs without other changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import asyncio
from bot import compose
from bot.adapters.console import Console
from bot.core.clock import FakeClock
from bot.store.sqlite import SqliteStore

async def main():
    store = await SqliteStore.open("db.sqlite3")
    service = compose.build(store, FakeClock())
    print("MENU", [name for name, _ in service.router.menu("fy")])
    out = []
    console = Console(service, "Anna", out=out.append)
    for line in ("/taal fy", "/proses", "/help"):
        await console.handle(line)
    print("SAID", repr("\\n".join(out)))
    await store.close()

asyncio.run(main())
"""


def test_a_made_up_third_language_needs_only_its_files_and_its_code(tmp_path):
    copy = tmp_path / "tree"
    for part in ("bot", "flows", "locales"):
        shutil.copytree(ROOT / part, copy / part,
                        ignore=shutil.ignore_patterns("__pycache__", "_data"))
    # 1. the list of languages
    i18n = copy / "bot" / "core" / "i18n.py"
    source = i18n.read_text(encoding="utf-8")
    assert 'LANGUAGES = ("nl", "en")' in source
    i18n.write_text(source.replace('LANGUAGES = ("nl", "en")', 'LANGUAGES = ("nl", "en", "fy")'),
                    encoding="utf-8")
    # 2. its catalogs (a translator starts from the English ones) and 3. its words file
    fy = copy / "locales" / "fy"
    shutil.copytree(copy / "locales" / "en", fy)
    messages = fy / "LC_MESSAGES" / "messages.po"
    messages.write_text(messages.read_text(encoding="utf-8").replace(
        'msgstr "Where are we?"', 'msgstr "Wêr steane wy?"'), encoding="utf-8")
    words = yaml.safe_load((fy / "words.yaml").read_text(encoding="utf-8"))
    words["name"] = "Frysk"
    words["commands"]["process"]["names"] = ["proses"]
    words["commands"]["help"]["names"] = ["help", "helpje"]
    (fy / "words.yaml").write_text(yaml.safe_dump(words, allow_unicode=True), encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": str(copy)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    menu = next(line for line in result.stdout.splitlines() if line.startswith("MENU"))
    assert "'proses'" in menu and "'process'" not in menu
    said = next(line for line in result.stdout.splitlines() if line.startswith("SAID"))
    assert "Phase 1/4" in said  # /proses started the process, in the new chat language
    assert "/proses" in said and "Wêr steane wy?" in said  # /help lists its own names
