"""Telegram's edge cases: supergroups, topics, edits, other bots, channels, failures."""

from __future__ import annotations

from fakebot.conversation import Group
from journey import answer, prompt, question


async def started(group, member):
    await member.sends("/proces")
    await answer(group, member, "organisations", "Club A\nClub B")
    return await question(group, "why")


async def test_an_upgraded_group_keeps_everything(bot, fake, group):
    anna = group.member("Anna", admin=True, creator=True, lang="nl")
    await started(group, anna)
    before = await bot.repo.count("answers", group.id)
    supergroup = group.upgrade()
    anna_there = anna.at(supergroup)
    await anna_there.sends("/status")
    status = await supergroup.bot_says(containing="Waar we staan")
    assert "Club A" in status.text
    assert await bot.repo.count("answers", supergroup.id) == before == 1
    assert await bot.repo.chat(group.id) is None
    assert (await bot.repo.chat(supergroup.id)).type == "supergroup"


async def test_a_send_to_the_old_id_follows_the_group(bot, fake, group, clock):
    anna = group.member("Anna", admin=True, creator=True, lang="nl")
    await anna.sends("/checkin wekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    new_id = -1002999000111
    fake.migrate_chat(group.id, new_id, notify=False)  # the bot was not told
    clock.advance(days=8)
    assert await bot.running.tick() == 1
    supergroup = Group(fake, chat_id=new_id)
    await supergroup.bot_says(containing="Check-in ·")
    assert await bot.repo.schedule(new_id) is not None
    assert await bot.repo.chat(group.id) is None


async def test_answers_stay_in_their_forum_topic(bot, fake):
    forum = Group(fake, title="Forum", is_forum=True)
    anna = forum.member("Anna", lang="nl")
    topic = forum.topic("Samenwerking")
    await anna.sends("/proces", thread=topic)
    intro = await forum.bot_says(containing="Fase 1/4")
    assert intro.thread_id == topic
    reply_prompt = await prompt(forum)
    assert reply_prompt.thread_id == topic
    await anna.sends("Club A, Club B", reply_to=reply_prompt, thread=topic)
    why = await question(forum, "why")
    assert why.thread_id == topic
    await anna.presses(why, "⏭ Overslaan")
    with_whom = await question(forum, "with_whom")
    assert with_whom.thread_id == topic


async def test_an_edited_command_changes_nothing_an_edited_answer_follows(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.presses(await started(group, anna), "⏭ Overslaan")
    await question(group, "with_whom")
    reply_prompt = await prompt(group)
    sent = await anna.replies(reply_prompt, "Eerste versie")
    await question(group, "asked")
    await anna.edits(sent, "Tweede versie")
    command = await anna.sends("/help")
    await anna.edits(command, "/status")
    await group.bot_says(containing="Wat ik kan")
    await anna.sends("/org")  # a marker: everything before it has been handled
    await group.bot_says(containing="organisatie")
    run = await bot.repo.latest_run(group.id, "process")
    values = [a.value for a in await bot.repo.answers(run.id) if a.step == "with_whom"]
    assert values == ["Tweede versie"]  # fixed a typo: the answer follows the edit
    assert [m for m in group.messages() if "Bijgewerkt, Anna" in m.get("text", "")]
    assert not [m for m in group.messages() if "Waar we staan" in m.get("text", "")]


async def test_other_bots_and_channels_are_ignored(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    robot = fake.add_user("Robot", is_bot=True)
    fake.set_member_status(group.id, robot["id"], "member")
    fake.push_message(group.id, robot, text="/start",
                      entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    channel = {"id": -1001234567890, "type": "channel", "title": "Nieuws"}
    fake.push_message(group.id, {"id": 136817688, "is_bot": True, "first_name": "Channel"},
                      sender_chat=channel, text="/start",
                      entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    await anna.sends("/help")
    first = await group.bot_says()
    assert "Wat ik kan" in first.text  # the first and only answer is Anna's
    assert len([m for m in group.messages() if m["from"]["is_bot"]
                and m["from"]["id"] == fake.bot_user["id"]]) == 1


async def test_network_faults_are_retried_and_delivered_once(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    fake.drop_next("sendMessage")
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    fake.fail_next("getUpdates", 500, "Internal Server Error", times=2)
    await anna.sends("/help")
    await group.bot_says(containing="Wat ik kan")
    await anna.sends("/privacy")
    await group.bot_says(containing="Wat ik bewaar")
    helps = [m for m in group.messages() if "Wat ik kan" in m.get("text", "")]
    assert len(helps) == 1
