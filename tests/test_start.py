"""The first minute of a group with the bot: /start, the menu, languages."""

from __future__ import annotations

import json

from fakebot.conversation import Group


async def test_start_in_group_answers_in_dutch_html(bot, fake, group: Group):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/start")
    hello = await group.bot_says(containing="Samenwerkbot", timeout=1.0)
    assert "/proces" in hello.text
    assert "<b>" in hello.html  # HTML, accepted by the fake Bot API's parser
    assert not fake.errors


async def test_command_menu_registered_per_language(bot, fake):
    menus = {lang: [c["command"] for c in commands]
             for (scope, lang), commands in fake.commands.items() if lang}
    assert "proces" in menus["nl"] and "taal" in menus["nl"]
    assert "process" in menus["en"] and "language" in menus["en"]
    default = fake.commands_for(scope=None, language_code="")
    assert default, "a menu for users of other languages"
    nl = dict((c["command"], c["description"]) for c in menus_desc(fake, "nl"))
    assert nl["status"] == "Waar staan we?"


def menus_desc(fake, lang):
    for (scope, code), commands in fake.commands.items():
        if code == lang and json.loads(scope).get("type", "default") == "default":
            return commands
    return []


async def test_command_with_bot_name_works_and_other_bots_are_ignored(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/help@OtherBot")
    await anna.sends("/help@samenwerk_test_bot")
    answer = await group.bot_says(containing="/proces")
    assert answer.text.count("/") > 3
    assert "/mijngegevens — In een privéchat" in answer.text  # in /help, not in the menu
    assert "mijngegevens" not in [c["command"] for c in fake.commands_for(language_code="nl")]
    assert len([m for m in group.messages() if m["from"]["is_bot"]]) == 1


async def test_language_switch_is_for_admins(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    await bram.sends("/taal en")
    await group.bot_says(containing="beheerders")
    await anna.sends("/taal en")
    await group.bot_says(containing="English")
    await bram.sends("/help")
    await group.bot_says(containing="What I can do")


async def test_language_buttons(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/taal")
    choice = await group.bot_says(containing="taal")
    query = await anna.presses(choice, "🇬🇧 English")
    assert await group.callback_answer(query) == "Language changed"
    await group.bot_says(containing="English")


async def test_private_chat_uses_the_users_language(bot, fake):
    user = fake.add_user("Emma", language_code="en-GB")
    chat = fake.private_chat(user)
    await chat.sends("/start")
    hello = await chat.bot_says(containing="Hello")
    assert "add me to your group" in hello.text


async def test_unknown_command_gets_a_friendly_answer(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/kapot <b>ja</b>")
    answer = await group.bot_says()
    assert "/hulp" in answer.text and "/kapot" in answer.text
