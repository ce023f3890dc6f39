"""Self-tests of the fake Telegram server, driven by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html

import httpx
import pytest
from fakebot import FakeTelegram, Group, parse_html
from fakebot.html import EntityParseError
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake):
    async with Bot(fake.token, base_url=fake.base_url) as client:
        yield client


@pytest.fixture
def group(fake):
    return Group(fake, title="Samen Sterk")


def last_error(fake: FakeTelegram) -> str:
    """Telegram's exact description (PTB's exception .message is capitalize()d)."""
    return fake.errors[-1][1]["description"]


def keyboard(*labels_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in labels_and_data]
    )


# ---- the HTML parser on its own -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("<b>vet</b> en <i>schuin</i>", "vet en schuin"),
        ("a &lt; b &amp; c &quot;d&quot;", 'a < b & c "d"'),
        ("AT&T > 3 &nbsp; &", "AT&T > 3 &nbsp; &"),  # bare & and > are tolerated
        ("&#128512;&#x1F600;&lt", "😀😀<"),  # numeric entities; the ; is optional
        ('<a href="https://example.org?a=1&amp;b=2">link</a>', "link"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        ("<blockquote expandable>citaat</blockquote>", "citaat"),
        ("<B>hoofd</B><u>o</u><s>d</s><ins>e</ins><del>f</del><em>g</em>", "hoofdodefg"),
    ],
)
def test_parser_accepts_telegram_html(source, text):
    assert parse_html(source)[0] == text


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("a < b & c", 'Unsupported start tag "" at byte offset 2'),
        ("<xyz>hoi</xyz>", 'Unsupported start tag "xyz" at byte offset 0'),
        ("één <br>", 'Unsupported start tag "br" at byte offset 6'),  # bytes, not characters
        ("<b>vet", 'Can\'t find end tag corresponding to start tag "b"'),
        ("vet</b>", "Unexpected end tag at byte offset 3"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("x <<b>y</b>", 'Unsupported start tag "<b" at byte offset 2'),
    ],
)
def test_parser_rejects_like_telegram(source, error):
    with pytest.raises(EntityParseError) as err:
        parse_html(source)
    assert str(err.value) == error


def test_parser_entities_use_utf16_offsets():
    text, entities = parse_html('😀 <b>vet</b> <a href="https://x.nl">l</a>')
    assert text == "😀 vet l"
    assert entities == [
        {"offset": 3, "length": 3, "type": "bold"},
        {"offset": 7, "length": 1, "type": "text_link", "url": "https://x.nl"},
    ]
    _, entities = parse_html('<pre><code class="language-py">x</code></pre>')
    assert entities == [{"offset": 0, "length": 1, "type": "pre", "language": "py"}]


# ---- HTTP level ------------------------------------------------------------------------------


async def test_http_accepts_form_json_and_query_and_checks_token(fake, group):
    api = f"{fake.base_url}{fake.token}"
    async with httpx.AsyncClient() as http:
        form = await http.post(f"{api}/SENDMESSAGE", data={"chat_id": group.id, "text": "a"})
        as_json = await http.post(f"{api}/sendMessage", json={"chat_id": group.id, "text": "b"})
        query = await http.get(f"{api}/sendmessage", params={"chat_id": group.id, "text": "c"})
        wrong_token = await http.post(f"{fake.base_url}1:WRONG/getMe")
        unknown = await http.post(f"{api}/sendTelepathy")
    assert [r.json()["result"]["text"] for r in (form, as_json, query)] == ["a", "b", "c"]
    assert [m["message_id"] for m in fake.messages(group.id)] == [1, 2, 3]
    assert (wrong_token.status_code, wrong_token.json()["description"]) == (401, "Unauthorized")
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_sent_message_looks_like_telegrams(fake, bot, group):
    anna = group.member("Anna")
    asked = await anna.sends("Hoe gaat het?")
    msg = await bot.send_message(
        group.id,
        "<b>Goed</b>, dank je",
        parse_mode="HTML",
        reply_parameters=ReplyParameters(asked["message_id"]),
        reply_markup=keyboard(("Volgende", "next")),
    )
    assert msg.text == "Goed, dank je"
    assert msg.from_user.username == "samenwerk_test_bot" and msg.from_user.is_bot
    assert msg.chat.id == group.id and msg.message_id == asked["message_id"] + 1
    assert msg.reply_to_message.text == "Hoe gaat het?"
    assert msg.reply_markup.inline_keyboard[0][0].callback_data == "next"
    said = await group.bot_says(containing="Goed")
    assert (said.html, said.buttons, said.button_data("Volgende")) == (
        "<b>Goed</b>, dank je",
        [["Volgende"]],
        "next",
    )
    request = fake.calls("sendMessage")[-1]
    assert request["reply_markup"] == {
        "inline_keyboard": [[{"text": "Volgende", "callback_data": "next"}]]
    }


# ---- text rules ------------------------------------------------------------------------------


async def test_user_text_must_be_escaped_in_html(fake, bot, group):
    with pytest.raises(BadRequest):
        await bot.send_message(group.id, "Wij: a < b & c", parse_mode="HTML")
    assert last_error(fake) == (
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 7'
    )
    msg = await bot.send_message(group.id, f"Wij: {html.escape('a < b & c')}", parse_mode="HTML")
    assert msg.text == "Wij: a < b & c"
    plain = await bot.send_message(group.id, "<b>letterlijk</b> & a < b")
    assert plain.text == "<b>letterlijk</b> & a < b" and not plain.entities


async def test_markdown_is_not_supported_by_the_fake(fake, bot, group):
    with pytest.raises(BadRequest):
        await bot.send_message(group.id, "*vet*", parse_mode="MarkdownV2")
    assert last_error(fake) == "Bad Request: unsupported parse_mode in fake"


@pytest.mark.parametrize(
    ("text", "parse_mode", "ok"),
    [
        ("a" * 4096, None, True),
        ("a" * 4097, None, False),
        ("😀" * 2048, None, True),  # 2048 characters, 4096 UTF-16 code units
        ("😀" * 2048 + "a", None, False),
        ("a" * 4095 + "😀", None, False),
        ("<b>" + "a" * 4096 + "</b>", "HTML", True),  # tags don't count
        ("&amp;" * 4096, "HTML", True),
        ("&amp;" * 4097, "HTML", False),
    ],
)
async def test_message_length_is_counted_in_utf16_after_parsing(
    fake, bot, group, text, parse_mode, ok
):
    if ok:
        await bot.send_message(group.id, text, parse_mode=parse_mode)
    else:
        with pytest.raises(BadRequest):
            await bot.send_message(group.id, text, parse_mode=parse_mode)
        assert last_error(fake) == "Bad Request: message is too long"


@pytest.mark.parametrize("text", ["", "  \n ", "<b></b>"])
async def test_empty_text_is_refused(fake, bot, group, text):
    with pytest.raises(BadRequest):
        await bot.send_message(group.id, text, parse_mode="HTML")
    assert last_error(fake) == "Bad Request: message text is empty"


async def test_caption_limit(fake, bot, group):
    await bot.send_document(group.id, b"x", filename="a.txt", caption="c" * 1024)
    with pytest.raises(BadRequest):
        await bot.send_document(group.id, b"x", filename="a.txt", caption="c" * 1025)
    assert last_error(fake) == "Bad Request: message caption is too long"


async def test_trims_whitespace_like_telegram(bot, group):
    msg = await bot.send_message(group.id, "\n  <b> Hoi</b>  \n", parse_mode="HTML")
    assert msg.text == "Hoi"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [("bold", 0, 3)]


# ---- keyboards & replies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "ok"),
    [("x" * 64, True), ("x" * 65, False), ("é" * 32, True), ("é" * 33, False), ("🙂" * 16, True)],
)
async def test_callback_data_is_limited_to_64_bytes(fake, bot, group, data, ok):
    markup = keyboard(("Knop", data))
    if ok:
        await bot.send_message(group.id, "kies", reply_markup=markup)
    else:
        with pytest.raises(BadRequest):
            await bot.send_message(group.id, "kies", reply_markup=markup)
        assert last_error(fake) == "Bad Request: BUTTON_DATA_INVALID"


async def test_inline_button_needs_an_action(fake, bot, group):
    with pytest.raises(BadRequest):
        await bot.send_message(
            group.id,
            "kies",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Alleen tekst")]]),
        )
    assert last_error(fake) == (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )


async def test_force_reply_and_reply_target(fake, bot, group):
    msg = await bot.send_message(group.id, "Wat is jullie doel?", reply_markup=ForceReply())
    assert (await group.bot_says(containing="doel")).force_reply
    assert msg.reply_markup is None  # Telegram only echoes inline keyboards
    with pytest.raises(BadRequest):
        await bot.send_message(group.id, "x", reply_parameters=ReplyParameters(999))
    assert last_error(fake) == "Bad Request: message to be replied not found"
    ok = await bot.send_message(
        group.id, "x", reply_parameters=ReplyParameters(999, allow_sending_without_reply=True)
    )
    assert ok.reply_to_message is None


async def test_message_thread_in_forum(fake, bot):
    forum = Group(fake, title="Forum", is_forum=True)
    topic = forum.topic("Planning")
    msg = await bot.send_message(forum.id, "In het topic", message_thread_id=topic)
    assert (msg.message_thread_id, msg.is_topic_message) == (topic, True)
    with pytest.raises(BadRequest):
        await bot.send_message(forum.id, "x", message_thread_id=12345)
    assert last_error(fake) == "Bad Request: message thread not found"
    bram = forum.member("Bram")
    sent = await bram.sends("hallo", thread=topic)
    assert sent["is_topic_message"] and sent["reply_to_message"]["message_id"] == topic


# ---- editing & deleting ----------------------------------------------------------------------


async def test_editing_rules(fake, bot, group):
    markup = keyboard(("Ja", "yes"))
    msg = await bot.send_message(group.id, "<b>Vraag</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest):
        await msg.edit_text("<b>Vraag</b>", parse_mode="HTML", reply_markup=markup)
    assert last_error(fake) == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    plain = await msg.edit_text("Vraag", reply_markup=markup)  # same text, other entities
    assert plain.edit_date is not None and not plain.entities
    with pytest.raises(BadRequest):
        await msg.edit_reply_markup(reply_markup=markup)
    gone = await msg.edit_text("Vraag beantwoord")  # no reply_markup: the keyboard is removed
    assert gone.reply_markup is None
    with pytest.raises(BadRequest):
        await bot.edit_message_text("x", chat_id=group.id, message_id=999)
    assert last_error(fake) == "Bad Request: message to edit not found"
    said = await group.bot_says(containing="Vraag")
    assert (said.text, said.edits, said.buttons) == ("Vraag beantwoord", 2, [])
    assert [m.get("text") for m in fake.sent] == ["Vraag", "Vraag", "Vraag beantwoord"]


async def test_delete_rules(fake, bot, group):
    anna = group.member("Anna")
    own = await bot.send_message(group.id, "weg ermee")
    assert await own.delete()
    with pytest.raises(BadRequest):
        await own.delete()
    assert last_error(fake) == "Bad Request: message to delete not found"
    hers = await anna.sends("spam")
    with pytest.raises(BadRequest):
        await bot.delete_message(group.id, hers["message_id"])
    assert last_error(fake) == "Bad Request: message can't be deleted"
    group.bot_is_admin()
    assert await bot.delete_message(group.id, hers["message_id"])
    assert fake.messages(group.id) == []


# ---- chats, members, forbidden -------------------------------------------------------------


async def test_chat_and_members(fake, bot, group):
    anna = group.member("Anna", creator=True, lang="nl")
    group.member("Bram", admin=True)
    cees = group.member("Cees")
    admins = await bot.get_chat_administrators(group.id)
    assert [(a.status, a.user.first_name) for a in admins] == [
        ("creator", "Anna"),
        ("administrator", "Bram"),
    ]
    assert (await bot.get_chat_member(group.id, cees.id)).status == "member"
    fake.set_member_status(group.id, cees.id, "kicked")
    assert (await bot.get_chat_member(group.id, cees.id)).status == "kicked"
    chat = await bot.get_chat(group.id)
    assert (chat.title, chat.type) == ("Samen Sterk", "group")
    assert anna.user["language_code"] == "nl"
    with pytest.raises(BadRequest):
        await bot.get_chat(-42)
    assert last_error(fake) == "Bad Request: chat not found"


async def test_forbidden_after_kick_block_and_migration(fake, bot, group):
    anna = group.member("Anna")
    fake.kick_bot(group.id)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(group.id, "hallo?")
    fake.unkick_bot(group.id)
    await bot.send_message(group.id, "weer terug")

    dm = fake.private_chat(anna)
    await bot.send_message(dm.id, "prive")
    fake.block_bot(anna.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(dm.id, "hallo?")
    bram = fake.add_user("Bram")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(bram["id"], "hoi")

    supergroup = group.upgrade()
    with pytest.raises(ChatMigrated) as err:
        await bot.send_message(group.id, "nog iemand?")
    assert err.value.new_chat_id == supergroup.id
    assert fake.errors[-1][1]["parameters"] == {"migrate_to_chat_id": supergroup.id}
    await bot.send_message(supergroup.id, "hier zijn we")


# ---- faults & rate limits --------------------------------------------------------------------


async def test_injected_429_with_retry_after(fake, bot, group, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake.fail_next("sendMessage", 429, retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter) as err:
            await bot.send_message(group.id, "druk")
        assert err.value.retry_after == dtm.timedelta(seconds=7)
    assert fake.errors[-1][1] == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    await bot.send_message(group.id, "nu wel")


async def test_dropped_connection_is_a_network_error(fake, bot, group):
    fake.drop_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(group.id, "kwijt")
    assert (await bot.send_message(group.id, "wel")).text == "wel"
    assert [m["text"] for m in fake.messages(group.id)] == ["wel"]


async def test_rate_limits_per_chat_and_overall(fake, bot, group, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    now = [1000.0]
    fake.clock = lambda: now[0]
    fake.enable_rate_limits(per_chat=2, overall=3)
    other, third = Group(fake, title="B"), Group(fake, title="C")
    await bot.send_message(group.id, "1")
    await bot.send_message(group.id, "2")
    with pytest.raises(RetryAfter):
        await bot.send_message(group.id, "3")
    assert fake.errors[-1][1]["parameters"] == {"retry_after": 1}
    await bot.send_message(other.id, "elders")
    with pytest.raises(RetryAfter):
        await bot.send_message(third.id, "te veel in totaal")
    now[0] += 1.0
    await bot.send_message(group.id, "3")


# ---- getUpdates ------------------------------------------------------------------------------


async def test_get_updates_offset_confirms_forever(fake, bot, group):
    anna = group.member("Anna")
    for text in ("een", "twee", "drie"):
        await anna.sends(text)
    first = await bot.get_updates()
    assert [u.message.text for u in first] == ["een", "twee", "drie"]
    assert len(await bot.get_updates()) == 3  # nothing confirmed yet
    second = await bot.get_updates(offset=first[1].update_id)
    assert [u.message.text for u in second] == ["twee", "drie"]
    assert fake.confirmed_offset == first[1].update_id
    again = await bot.get_updates(offset=first[0].update_id)  # "een" is gone for good
    assert [u.message.text for u in again] == ["twee", "drie"]
    assert await bot.get_updates(offset=first[2].update_id + 1) == ()
    assert fake.pending_updates == []


async def test_long_poll_wakes_up_when_an_update_arrives(fake, bot, group):
    anna = group.member("Anna")
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_for(lambda: fake.calls("getUpdates"))
    await anna.sends("wakker worden")
    updates = await asyncio.wait_for(poll, timeout=3)
    assert [u.message.text for u in updates] == ["wakker worden"]


async def test_a_second_poller_terminates_the_first(fake, bot):
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_for(lambda: fake.calls("getUpdates"))
    # PTB's getUpdates pool has one connection per Bot: a second instance is a second poller
    async with Bot(fake.token, base_url=fake.base_url) as second_instance:
        assert await second_instance.get_updates() == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(poll, timeout=3)


async def test_allowed_updates_filter(fake, bot, group):
    anna = group.member("Anna")
    msg = await bot.send_message(group.id, "kies", reply_markup=keyboard(("A", "a")))
    await anna.sends("tekst")
    said = await group.bot_says(containing="kies")
    await anna.presses(said, "A")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates] == ["a"]
    assert updates[0].callback_query.message.message_id == msg.message_id


async def test_webhook_blocks_polling(fake, bot):
    await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


# ---- queries ---------------------------------------------------------------------------------


async def test_callback_queries_are_answered_once(fake, bot, group):
    bram = group.member("Bram")
    await bot.send_message(group.id, "Verder?", reply_markup=keyboard(("Volgende", "next")))
    msg = await group.bot_says(containing="Verder")
    query_id = await bram.presses(msg, "Volgende")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert (query.id, query.data, query.from_user.first_name) == (query_id, "next", "Bram")
    assert query.chat_instance and query.message.text == "Verder?"
    with pytest.raises(BadRequest):
        await query.answer("x" * 201)
    assert await query.answer("Top!")
    assert await group.callback_answer(query_id) == "Top!"
    with pytest.raises(BadRequest):
        await query.answer()
    assert last_error(fake) == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )


async def test_inline_query_results_are_validated(fake, bot, group):
    anna = group.member("Anna")
    query_id = await anna.asks_inline("tip")

    def article(n: int, text: str = "tekst") -> InlineQueryResultArticle:
        content = InputTextMessageContent(text, parse_mode="HTML")
        return InlineQueryResultArticle(str(n), f"Tip {n}", content)

    for results, error in [
        ([article(n) for n in range(51)], "RESULTS_TOO_MUCH"),
        ([article(1), article(1)], "RESULT_ID_DUPLICATE"),
        ([article(1, "a < b")], 'can\'t parse entities: Unsupported start tag "" at byte offset 2'),
    ]:
        with pytest.raises(BadRequest):
            await bot.answer_inline_query(query_id, results)
        assert last_error(fake) == f"Bad Request: {error}"
    assert await bot.answer_inline_query(query_id, [article(n) for n in range(50)])
    assert len(fake.inline_answers[query_id]["results"]) == 50


async def test_commands_per_scope_and_language(fake, bot, group):
    await bot.set_my_commands([BotCommand("start", "Begin")])
    scope = BotCommandScopeChat(group.id)
    await bot.set_my_commands([BotCommand("taal", "Kies taal")], scope=scope, language_code="nl")
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="nl")] == [
        "taal"
    ]
    assert await bot.get_my_commands(scope=scope) == ()
    assert fake.commands_for() == [{"command": "start", "description": "Begin"}]
    assert fake.commands_for({"type": "chat", "chat_id": group.id}, "nl")[0]["command"] == "taal"
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Start!", "fout")])
    assert last_error(fake) == "Bad Request: BOT_COMMAND_INVALID"
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


# ---- files -----------------------------------------------------------------------------------


async def test_uploads_arrive_as_multipart(fake, bot, group):
    msg = await bot.send_document(group.id, b"verslag", filename="verslag.txt", caption="Hier")
    assert (msg.document.file_name, msg.caption) == ("verslag.txt", "Hier")
    said = await group.bot_says(containing="Hier")
    assert said.document.data == b"verslag"
    again = await bot.send_document(group.id, msg.document.file_id)
    assert again.document.file_id == msg.document.file_id
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    assert (await bot.send_photo(group.id, png)).photo
    with pytest.raises(BadRequest):
        await bot.send_photo(group.id, b"geen plaatje")
    assert last_error(fake) == "Bad Request: IMAGE_PROCESS_FAILED"


# ---- conversation helpers --------------------------------------------------------------------


async def test_updates_look_like_telegrams(fake, bot, group):
    anna = group.member("Anna", admin=True, lang="nl")
    await anna.sends("/start@samenwerk_test_bot nu")
    await group.anonymous_admin().sends("/taal en")
    await anna.sends_sticker()
    first, second, third = await bot.get_updates()
    message = first.message
    assert message.from_user.to_dict() == {
        "id": anna.id,
        "is_bot": False,
        "first_name": "Anna",
        "language_code": "nl",
    }
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 25)]
    assert second.message.sender_chat.id == group.id
    assert second.message.from_user.username == "GroupAnonymousBot"
    assert third.message.sticker.emoji == "👍"
    assert isinstance(first, Update) and first.update_id + 1 == second.update_id


async def test_bot_joins_and_gets_kicked(fake, bot):
    group = Group(fake, title="Nieuw", with_bot=False)
    anna = group.member("Anna", admin=True)
    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(group.id, "hallo?")
    await anna.adds_bot()
    joined, changed = await bot.get_updates()
    assert joined.message.new_chat_members[0].id == bot.id
    member = changed.my_chat_member
    assert (member.old_chat_member.status, member.new_chat_member.status) == ("left", "member")
    await bot.send_message(group.id, "Dag allemaal")
    await anna.removes_bot()
    *_, kicked = await bot.get_updates(offset=changed.update_id + 1)
    assert kicked.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(group.id, "hallo?")


async def test_bot_says_waits_and_reports_what_it_saw(fake, bot, group):
    await bot.send_message(group.id, "een")
    await bot.send_message(group.id, "twee")
    assert (await group.bot_says(containing="twee")).text == "twee"
    assert [m.text for m in group.unread()] == ["een"]
    with pytest.raises(AssertionError, match=r"did not say 'drie'.*unread bot messages: \['een'\]"):
        await group.bot_says(containing="drie", timeout=0)


async def test_application_polls_and_answers(fake):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_html(
            "<b>Welkom</b> bij Samen Sterk", reply_markup=keyboard(("Verder", "next"))
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Goed zo")
        await update.callback_query.edit_message_text("Stap 2")

    app = Application.builder().token(fake.token).base_url(fake.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    group = Group(fake)
    anna = group.member("Anna")
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0)
        await anna.sends("/start@samenwerk_test_bot")
        welcome = await group.bot_says(containing="Welkom")
        assert welcome.html == "<b>Welkom</b> bij Samen Sterk"
        query_id = await anna.presses(welcome, "Verder")
        assert await group.callback_answer(query_id) == "Goed zo"
        await welcome.edited(containing="Stap 2")
        await anna.replies(welcome, "hallo")
        assert (await group.bot_says(containing="echo:")).text == "echo: hallo"
        await app.updater.stop()
        await app.stop()
    assert fake.pending_updates == []  # PTB confirmed everything on the way out
    assert fake.calls("deleteWebhook")
