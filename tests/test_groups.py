"""Who may do what in a group: organisations, admins, anonymous admins, errors."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from journey import answer, question


async def test_organisations_are_managed_by_admins(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    await bram.sends("/org toevoegen Sportclub")
    await group.bot_says(containing="beheerders")
    await anna.sends("/org toevoegen Sportclub Oost")
    await group.bot_says(containing="Sportclub Oost")
    await anna.sends("/org toevoegen Buurthuis <De Linde> & co")
    await group.bot_says(containing="Buurthuis <De Linde> & co")
    await anna.sends("/org toevoegen sportclub  oost")  # the same one, typed another way
    await group.bot_says(containing="staat al op de lijst")
    await anna.sends("/org hernoem 1 buurthuis <de linde> & CO")  # the other one's name
    await group.bot_says(containing="nog niet op de lijst staat")
    await anna.sends("/org hernoem 1 Sportclub West")
    await group.bot_says(containing="Sportclub West")
    await bram.sends("/org")
    listing = await group.bot_says(containing="Partnerorganisaties")
    assert "1. Sportclub West" in listing.text and "2. Buurthuis <De Linde> & co" in listing.text
    assert "&lt;De Linde&gt; &amp; co" in listing.html
    query = await bram.presses(listing, "Sportclub West")
    assert await group.callback_answer(query) == "✅ Je antwoordt voor Sportclub West."
    await anna.sends("/org verwijder 2")
    await group.bot_says(containing="Verwijderd")
    orgs = [o.name for o in await bot.repo.organisations(group.id)]
    assert orgs == ["Sportclub West"]
    assert (await bot.repo.member(group.id, bram.id)).organisation_id is not None
    assert not fake.errors


async def test_restarting_a_phase_is_for_admins(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "A, B")
    await question(group, "why")
    await bram.sends("/proces opnieuw")
    await group.bot_says(containing="beheerders")
    await anna.sends("/proces opnieuw")
    await group.bot_says(containing="opnieuw")
    await question(group, "organisations")
    run = await bot.repo.latest_run(group.id, "process")
    assert run.state == "organisations"
    assert len(await bot.repo.answers(run.id)) == 1  # history is kept


async def test_an_anonymous_admin_is_an_admin_and_recorded_as_such(bot, fake, group):
    group.member("Anna", admin=True, lang="nl")
    ghost = group.anonymous_admin()
    await ghost.sends("/taal en")
    await group.bot_says(containing="English")
    member = await bot.repo.member(group.id, group.id)
    assert member is not None and member.anonymous_admin


async def test_a_failing_update_gets_a_kind_answer_and_the_bot_goes_on(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    fake.fail_next("sendMessage", 400, "Bad Request: something odd")
    await anna.sends("/help")
    sorry = await group.bot_says(containing="ging iets mis")
    assert sorry
    await anna.sends("/help")
    await group.bot_says(containing="/proces")


async def test_the_program_runs_on_telegram(fake, group, tmp_path):
    """`samenwerkbot run` as a process: answers /start in Dutch, never logs the token."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.base_url,
               DATABASE_PATH=str(tmp_path / "db.sqlite3"), LOG_LEVEL="DEBUG")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    try:
        await fake.wait_for(lambda: any(m == "getupdates" for m, _ in fake.requests), 30)
        anna = group.member("Anna", lang="nl")
        await anna.sends("/start")
        hello = await group.bot_says(containing="Hallo", timeout=5)
        assert "/proces" in hello.text
        await fake.wait_for(lambda: len({lang for (_, lang) in fake.commands}) >= 3)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, output.decode()
    log = output.decode()
    assert "running on Telegram" in log
    assert fake.token not in log and fake.token.split(":")[1] not in log


async def test_a_token_telegram_refuses_gives_one_line(fake, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(TELEGRAM_BOT_TOKEN="42:WRONG", TELEGRAM_API_URL=fake.base_url,
               DATABASE_PATH=str(tmp_path / "db.sqlite3"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert err.decode().strip().splitlines() == [
        "samenwerkbot: Telegram does not accept TELEGRAM_BOT_TOKEN (check it with @BotFather)"]

