"""Bad settings give one clear line naming the variable, and exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot import config

BAD = [
    ("BOT_LANGUAGE", "fr", "BOT_LANGUAGE"),
    ("BOT_TIMEZONE", "Mars/Olympus", "BOT_TIMEZONE"),
    ("TELEGRAM_API_URL", "ftp//nope", "TELEGRAM_API_URL"),
    ("DATABASE_PATH", "/proc/samenwerkbot/db.sqlite3", "DATABASE_PATH"),
    ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
    ("TELEGRAM_BOT_TOKEN", "not a token", "TELEGRAM_BOT_TOKEN"),
]


def run_cli(env_extra: dict[str, str], *args: str, stdin: str = "", cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60, cwd=cwd)


@pytest.mark.parametrize(("name", "value", "named"), BAD)
def test_bad_value_gives_one_line_and_exit_2(name, value, named, tmp_path):
    env = {"DATABASE_PATH": str(tmp_path / "db.sqlite3"), name: value}
    result = run_cli(env, "console")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_run_without_token_says_how(tmp_path):
    result = run_cli({"DATABASE_PATH": str(tmp_path / "db.sqlite3")}, "run")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "BotFather" in result.stderr


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = config.load({})
    assert settings.language == "nl" and settings.timezone == "Europe/Amsterdam"
    assert settings.api_url == "https://api.telegram.org/bot"
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert (tmp_path / "data").is_dir() and settings.token is None


def test_token_never_logged():
    import logging
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1,
                               "POST https://x/bot%s/getMe", ("123:SECRET",), None)
    config.TokenFilter("123:SECRET").filter(record)
    assert "SECRET" not in record.getMessage()


def test_help_explains_the_commands():
    result = run_cli({}, "--help")
    assert result.returncode == 0
    for word in ("run", "console", "/as NAME", "TELEGRAM_BOT_TOKEN", "DATABASE_PATH"):
        assert word in result.stdout
