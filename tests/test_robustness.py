"""Odd input in a real group: stickers, huge answers, stale buttons, simultaneous answers."""

from __future__ import annotations

from journey import answer, prompt, question, to_with_whom

from bot.core.outcome import split, tg_len


async def start_process(group, member):
    await member.sends("/proces")
    await answer(group, member, "organisations", "Club A\nClub B")


async def test_a_sticker_instead_of_text_gets_a_hint(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await start_process(group, anna)
    await answer(group, anna, "why", ["renew"])
    await question(group, "with_whom")
    reply_prompt = await prompt(group)
    await anna.sends_sticker()  # not a reply: ordinary chatter, ignored
    await anna.sends_sticker(reply_to=reply_prompt)
    hint = await group.bot_says(containing="woorden")
    assert "Beantwoorden" in hint.text or "antwoord" in hint.text


async def test_the_longest_answer_is_stored_exactly_and_shown_escaped(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await start_process(group, anna)
    await answer(group, anna, "why", ["renew"])
    chunk = "<b>&amp; 💪 \u200f שלום\u200e </i> "
    text = (chunk * 200)[:4000]
    await answer(group, anna, "with_whom", text)
    await question(group, "asked")
    run = await bot.repo.latest_run(group.id, "process")
    stored = [a.value for a in await bot.repo.answers(run.id) if a.step == "with_whom"]
    assert stored == [text]
    await anna.sends("/status")
    await anna.presses(await group.bot_says(containing="Waar we staan"), "📋 Verkennen")
    summary = await group.bot_says(containing="Samenvatting · Verkennen")
    parts = [summary]
    while "Nog open" not in parts[-1].text:
        parts.append(await group.bot_says())
    assert len(parts) >= 2, "the summary is split over messages"
    assert all(tg_len(p.text) <= 4096 for p in parts)
    assert text.strip()[:300] in "".join(p.text for p in parts)
    assert not fake.errors, fake.errors


async def test_two_members_answer_at_the_same_moment(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    bram = group.member("Bram", lang="nl")
    await start_process(group, anna)
    await answer(group, anna, "why", ["renew"])
    await answer(group, bram, "with_whom")
    await answer(group, bram, "asked")
    msg = await question(group, "internal")
    # Both presses are in Telegram's queue before the bot fetches either.
    first = await anna.presses(msg, "✅ Ja")
    second = await bram.presses(msg, "✅ Ja")
    await group.callback_answer(first)
    await group.callback_answer(second)
    run = await bot.repo.latest_run(group.id, "process")
    internal = [a.user_name for a in await bot.repo.answers(run.id) if a.step == "internal"]
    assert sorted(internal) == ["Anna", "Bram"]


async def test_a_forged_button_from_another_chat_changes_nothing(bot, fake, group):
    from fakebot.conversation import Group
    anna = group.member("Anna", lang="nl")
    await start_process(group, anna)
    msg = await question(group, "why")
    other = Group(fake, title="Ander")
    eve = other.member("Eve", lang="nl")
    await eve.sends("/start")
    sent = await other.bot_says()
    forged = dict(sent.message, reply_markup={"inline_keyboard": [[
        {"text": "x", "callback_data": msg.button_data("⏭ Overslaan")}]]})
    fake.push_update({"callback_query": {"id": "777", "from": eve.user, "message": forged,
                                         "chat_instance": "1", "data": forged[
                                             "reply_markup"]["inline_keyboard"][0][0][
                                             "callback_data"]}})
    assert "niet bij deze chat" in (await other.callback_answer("777") or "")
    run = await bot.repo.latest_run(group.id, "process")
    assert run.state == "why"


def test_split_keeps_lines_and_entities_whole():
    line = "• <b>Antwoord</b>: " + "&amp; 💪 " * 40
    parts = split("\n".join([line] * 60))
    assert len(parts) > 1
    assert all(tg_len(p) <= 4096 for p in parts)
    assert all(p.count("<b>") == p.count("</b>") for p in parts)
    long_line = "x &amp; " * 1200
    pieces = split(long_line)
    assert all(tg_len(p) <= 4096 and not p.rstrip().endswith("&amp") for p in pieces)


async def test_a_late_reply_to_a_closed_question_is_kept(bot, fake, group):
    """Two members type at once: the first moves the group on, the second is not lost."""
    anna = group.member("Anna", lang="nl")
    bram = group.member("Bram", lang="nl")
    reply_prompt = await to_with_whom(group, anna)
    await anna.replies(reply_prompt, "Omdat we buren zijn")
    await bram.replies(reply_prompt, "Omdat het kan")
    late = await group.bot_says(containing="Opgeslagen, Bram")
    assert "Met wie en waarom" in late.text
    run = await bot.repo.latest_run(group.id, "process")
    assert run.state == "asked"
    stored = [(a.user_name, a.value) for a in await bot.repo.answers(run.id)
              if a.step == "with_whom"]
    assert stored == [("Anna", "Omdat we buren zijn"), ("Bram", "Omdat het kan")]


async def test_a_message_deleted_meanwhile_is_left_alone_without_an_apology(bot, fake, group):
    # In a private chat a tick is shown on the keyboard itself, by an edit.
    anna = group.member("Anna", lang="nl").in_private()
    chat = anna.chat
    await anna.sends("/proces")
    await answer(chat, anna, "organisations", "Club A, Club B")
    msg = await question(chat, "why")
    # Anna deleted the question just as she pressed: Telegram refuses the edit.
    fake.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
    pressed = await anna.presses(msg, msg.buttons[0][0])
    await chat.callback_answer(pressed)
    await anna.sends("/status")
    await chat.bot_says(containing="Waar we staan")
    assert not [m for m in chat.unread() if "Sorry" in m.text]
    assert [name for name, _ in fake.errors] == ["editmessagetext"]


async def test_an_edited_answer_follows_the_edit(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    bram = group.member("Bram", lang="nl")
    sent = await anna.replies(await to_with_whom(group, anna), "Omdat we buren zijn")
    await question(group, "asked")
    await anna.edits(sent, "Omdat we <buren> zijn & blijven")
    done = await group.bot_says(containing="Bijgewerkt, Anna")
    assert done.reply_to_message_id == sent["message_id"]
    run = await bot.repo.latest_run(group.id, "process")
    stored = [a.value for a in await bot.repo.answers(run.id, "with_whom")]
    assert stored == ["Omdat we <buren> zijn & blijven"]
    assert (await bot.repo.latest_run(group.id, "process")).state == "asked", "nobody moved"
    await anna.edits(sent, "Omdat we <buren> zijn & blijven")  # the same text: nothing to say
    chatter = await bram.sends("Wie neemt er koffie mee?")
    await bram.edits(chatter, "Wie neemt er thee mee?")  # ordinary chatter: never looked at
    await anna.sends("/status")
    await group.bot_says(containing="Waar we staan")
    assert not [m for m in group.unread() if "Bijgewerkt" in m.text]
    assert await bot.repo.count("answers", group.id) == 3
