"""Webhook mode: a secret is required, an update is acknowledged once committed (and
before its replies, which may wait for Telegram's rate limits)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import httpx
import pytest

from bot.adapters.telegram.limiter import ResilientLimiter
from bot.adapters.telegram.runner import start_webhook

SECRET = "s3cret-token-for-tests_123"


@pytest.fixture
async def hook(settings, clock):
    settings = dataclasses.replace(settings, port=0, webhook_url="https://bot.example.org",
                                   webhook_secret=SECRET)
    limiter = ResilientLimiter(overall_max_rate=0, group_max_rate=0, backoff=0.01)
    running = await start_webhook(settings, clock, rate_limiter=limiter, tick_seconds=None,
                                  host="127.0.0.1")
    yield running
    await running.stop()


def update(update_id: int, chat_id: int, text: str) -> dict:
    user = {"id": 501, "is_bot": False, "first_name": "Anna", "language_code": "nl"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1767603600, "text": text, "from": user,
        "chat": {"id": chat_id, "type": "group", "title": "Samen Sterk"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


async def test_webhook_needs_the_secret_and_commits_before_200(hook, fake, group):
    assert fake.webhook["url"] == "https://bot.example.org/telegram"
    assert fake.webhook["secret_token"] == SECRET
    url = f"http://127.0.0.1:{hook.port}"
    body = update(9001, group.id, "/help")
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{url}/healthz")).status_code == 200
        assert (await client.post(f"{url}/telegram", json=body)).status_code == 403
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret-at-all"}
        assert (await client.post(f"{url}/telegram", json=body, headers=wrong)).status_code \
            == 403
        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        release = fake.hold(group.id)  # the reply hangs; the 200 must not wait for it
        try:
            response = await client.post(f"{url}/telegram", json=body, headers=right)
            assert response.status_code == 200
            # By the time Telegram hears 200, the update is committed (not yet answered).
            assert await hook.repo.count("processed_updates") == 1
            assert not [m for m in group.messages() if "Wat ik kan" in m.get("text", "")]
        finally:
            release.set()
        await group.bot_says(containing="Wat ik kan")
        again = await client.post(f"{url}/telegram", json=body, headers=right)
        assert again.status_code == 200
        bad = await client.post(f"{url}/telegram", content=b"{not json", headers=right)
        assert bad.status_code == 400
    helps = [m for m in group.messages() if "Wat ik kan" in m.get("text", "")]
    assert len(helps) == 1  # the redelivered update changed nothing


def test_webhook_settings_are_checked(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_",
                                                                     "WEBHOOK_"))}
    env.update(TELEGRAM_BOT_TOKEN="1:abc", DATABASE_PATH=str(tmp_path / "db.sqlite3"))
    for extra, named in (({}, "WEBHOOK_URL"),
                         ({"WEBHOOK_URL": "https://x.example"}, "WEBHOOK_SECRET"),
                         ({"WEBHOOK_URL": "http://x.example", "WEBHOOK_SECRET": SECRET},
                          "WEBHOOK_URL"),
                         ({"WEBHOOK_URL": "https://x.example", "WEBHOOK_SECRET": "short"},
                          "WEBHOOK_SECRET"),
                         ({"PORT": "http"}, "PORT")):
        result = subprocess.run([sys.executable, "-m", "bot", "webhook"], env={**env, **extra},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and named in result.stderr
