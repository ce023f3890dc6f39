"""The terminal console: the same conversations, the same store."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot import compose
from bot.adapters.console import Console
from bot.core.clock import FakeClock
from bot.store.sqlite import SqliteStore


@pytest.fixture
async def console_for(tmp_path):
    """Opens a console on tmp_path's database; every store it opened is closed at the
    end, also when the test fails (an open one keeps the process from exiting)."""
    opened = []

    async def open_console(name="Anna"):
        repo = await SqliteStore.open(tmp_path / "db.sqlite3")
        opened.append(repo)
        output: list[str] = []
        return repo, Console(compose.build(repo, FakeClock()), name, out=output.append), output

    yield open_console
    for repo in opened:
        await repo.close()


async def test_greets_in_dutch_and_switches_to_english(console_for):
    _repo, console, output = await console_for()
    await console.handle("/start")
    assert "Samenwerkbot" in output[-1] and "/proces" in output[-1]
    await console.handle("/taal en")
    await console.handle("/help")
    assert "What I can do" in output[-1]


async def test_members_answer_and_buttons_are_numbered(console_for):
    repo, console, output = await console_for()
    await console.handle("/proces")
    await console.handle("De Linde, Voedselbank")  # answers the open question
    assert any("Bij welke organisatie horen jullie" in line for line in output)
    # Why is asked per organisation (issue 17): Anna answers for hers.
    linde = next(i for i, (b, _) in enumerate(console.buttons, 1) if "De Linde" in b.label)
    await console.handle(str(linde))
    first = next(i for i, (b, _) in enumerate(console.buttons, 1) if "Nieuwe" in b.label)
    await console.handle(str(first))  # tick the first reason: only Anna sees her tick
    assert "Jouw keuze: 🔄 Nieuwe activiteiten" in output[-1]
    done = next(i for i, (b, _) in enumerate(console.buttons, 1) if "Klaar" in b.label)
    await console.handle(str(done))
    # The Voedselbank has not answered; Anna takes the group on to the next question.
    following = next(i for i, (b, _) in enumerate(console.buttons, 1) if "Volgende" in b.label)
    await console.handle(str(following))
    await console.handle("/as Bram")
    await console.handle("Wij kennen elkaar al jaren")
    run = await repo.latest_run(-1, "process")
    stored = [(a.step, a.user_name) for a in await repo.answers(run.id)]
    assert stored == [("organisations", "Anna"), ("why", "Anna"), ("with_whom", "Bram")]
    await console.handle("99")
    assert "1" in output[-1] and "99" not in output[-1]


def test_without_token_the_program_starts_the_console(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["DATABASE_PATH"] = str(tmp_path / "db.sqlite3")
    result = subprocess.run([sys.executable, "-m", "bot", "--name", "Anna"],
                            input="/start\n/taal en\n/help\n", env=env, capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stdout and "BotFather" in result.stdout
    assert "Hallo" in result.stdout or "Hoi" in result.stdout
    assert "What I can do" in result.stdout
    assert (tmp_path / "db.sqlite3").exists()


async def test_a_restarted_console_says_why_a_typed_answer_goes_nowhere(console_for):
    repo, console, output = await console_for()
    await console.handle("/pdca")
    repo, console, output = await console_for()  # a new session: no question open
    await console.handle("Twintig bezoekers per week")
    assert "/status" in output[-1] and "/proces" in output[-1]
    run = await repo.latest_run(-1, "pdca")
    assert await repo.answers(run.id) == []
    await console.handle("/pdca")  # asks its question again; the answer now counts
    await console.handle("Twintig bezoekers per week")
    assert [a.value for a in await repo.answers(run.id)] == ["Twintig bezoekers per week"]
