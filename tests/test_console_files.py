"""The console as a new group meets it: the files the bot sends are saved under the data
folder and their path shown; every text in the chat's language; no library's log lines."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from bot import cli, compose, config
from bot.adapters.console import Console
from bot.core.clock import FakeClock
from bot.store import open_store

ENGLISH = ("bytes", "(updated)", "now:", "/as NAME")  # the console's own words, untranslated


def saved(output: list[str] | str) -> list[Path]:
    """The paths the console says it saved files at."""
    text = output if isinstance(output, str) else "\n".join(output)
    return [Path(p) for p in re.findall(r"📎 Bewaard: (\S+)", text)]


async def test_files_are_saved_in_the_folder_and_texts_are_dutch(tmp_path):
    (tmp_path / "data").mkdir()
    repo = await open_store(tmp_path / "data" / "db.sqlite3")
    output: list[str] = []
    folder = tmp_path / "data" / "console"
    console = Console(compose.build(repo, FakeClock()), "Anna", out=output.append,
                      files=folder)
    try:
        await console.handle("/proces")
        await console.handle("Buurthuis, Voedselbank")
        await console.handle("/export")
        await console.handle("/export")  # the same name again: kept apart, not overwritten
        await console.handle("/checkin")
        weekly = next(i for i, (b, _) in enumerate(console.buttons, 1) if b.label == "Wekelijks")
        await console.handle(str(weekly))  # the overview is edited in place
        await console.handle("/as")
        await console.handle("/as Bram")
        typed = len(output)
        await console.handle("/checkin wekelijks vrijdag 16:30")  # typed: no toast to show
        assert any("Check-ins gepland" in line for line in output[typed:])
        assert not any(line.startswith("  » ") for line in output[typed:])
    finally:
        await repo.close()
    paths = saved(output)
    assert [p.name for p in paths] == ["samenwerkbot-20260105.json", "samenwerkbot-20260105.md",
                                       "samenwerkbot-20260105-2.json",
                                       "samenwerkbot-20260105-2.md"]
    for path in paths:
        assert path.is_absolute() and path.parent == folder.resolve() and path.exists()
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data["version"] == 2 and data["tables"]["answers"][0]["value"] == [
        "Buurthuis", "Voedselbank"]
    assert "## Partnerorganisaties" in paths[1].read_text(encoding="utf-8")
    assert any(line.startswith("(bijgewerkt) ") and "Op welke dag" in line for line in output)
    assert "Je bent Anna; met /as NAAM wissel je naar een ander lid." in output
    assert "— Je bent nu Bram —" in output
    for word in ENGLISH:
        assert not any(word in line for line in output), word


async def test_without_a_folder_the_console_names_the_file(tmp_path):
    repo = await open_store(tmp_path / "db.sqlite3")
    output: list[str] = []
    console = Console(compose.build(repo, FakeClock()), "Anna", out=output.append)
    try:
        await console.handle("/export")
    finally:
        await repo.close()
    assert "   📎 samenwerkbot-20260105.md" in output
    assert not any("bytes" in line for line in output)
    assert not (tmp_path / "console").exists()


def test_a_new_group_in_the_console_gets_its_pdf_quietly(tmp_path):
    """The program as someone starts it without a token: the agreement's PDF (whose font
    subsetting makes fontTools talk at INFO) and the export land in data/console/."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "BOT_", "LOG_"))}
    env["DATABASE_PATH"] = str(tmp_path / "data" / "db.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--name", "Anna"],
        input="/proces\nBuurthuis, Voedselbank\n/afspraken\n/export\n/quit\n", env=env,
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for library in ("fontTools", "matplotlib", "PIL"):  # their loggers: "… INFO fontTools.…"
        assert f" {library}" not in result.stdout + result.stderr, result.stderr[:2000]
    folder = (tmp_path / "data" / "console").resolve()
    assert f"Bestanden die ik stuur (een pdf, een grafiek, de export) komen in {folder}." \
        in result.stdout
    paths = saved(result.stdout)
    assert sorted(p.suffix for p in paths) == [".json", ".md", ".pdf"]
    assert all(p.parent == folder for p in paths)
    pdf = next(p for p in paths if p.suffix == ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    for word in ENGLISH:
        assert word not in result.stdout, word


def test_library_loggers_stay_quiet_at_any_log_level(tmp_path):
    """The server sets up its log as the console does: libraries only warn, even when
    LOG_LEVEL asks for DEBUG."""
    root = logging.getLogger()
    before = root.level, {name: logging.getLogger(name).level for name in cli.QUIET}
    handlers = list(root.handlers)
    try:
        root.setLevel(logging.DEBUG)  # as LOG_LEVEL=DEBUG makes it (pytest's handlers are
        # already there, so basicConfig leaves the level alone here)
        cli._logging(config.load({"LOG_LEVEL": "DEBUG",
                                  "DATABASE_PATH": str(tmp_path / "db.sqlite3")}))
        for name in ("fontTools.subset", "matplotlib.font_manager", "PIL.PngImagePlugin",
                     "httpx"):
            assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    finally:
        root.setLevel(before[0])
        for name, level in before[1].items():
            logging.getLogger(name).setLevel(level)
        for handler in root.handlers:
            if handler not in handlers:
                root.removeHandler(handler)
            handler.filters = [f for f in handler.filters
                               if not isinstance(f, config.TokenFilter)]
