"""The scan and the tips as features: scan buttons bound to their chat, a remark taken by
its prompt kind, the close button of scans posted before, the tip buttons' data, inline
results without any chat."""

from __future__ import annotations

from fakebot.conversation import Group
from journey import three_of_two

from bot.core.flows import load_all
from bot.core.i18n import LANGUAGES, texts
from bot.features.scan import Close, Score, Start
from bot.features.tips import ShowTip, Theme, TipLibrary, Tips, TipSearch

NL = texts("nl")
MARKS = ["🎯", "⚖️", "🧭", "🤝", "🏛"]


async def press_data(chat: Group, member, data: str, query_id: str) -> str:
    """Press a button with `data` on a message in `chat` (as a forger would)."""
    await member.sends("/start")
    sent = await chat.bot_says()
    message = dict(sent.message, reply_markup={"inline_keyboard": [[
        {"text": "x", "callback_data": data}]]})
    chat.fake.push_update({"callback_query": {"id": query_id, "from": member.user,
                                              "message": message, "chat_instance": "1",
                                              "data": data}})
    return await chat.callback_answer(query_id) or ""


async def open_scan(group, anna):
    await anna.sends("/scan")
    intro = await group.bot_says(containing="Samenwerkingsscan")
    return intro, intro.button_data("▶️ Start de scan")


async def test_scan_buttons_pressed_in_another_chat_change_nothing(bot, fake, group):
    anna, *_ = await three_of_two(group)
    intro, start = await open_scan(group, anna)
    assert start == Start(group.id, False).encode()
    other = Group(fake, title="Ander")
    eve = other.member("Eve", admin=True, lang="nl")
    refused = NL._("This button does not belong to this chat.")
    assert await press_data(other, eve, start, "901") == refused
    assert await bot.repo.latest_scan(other.id) is None

    await anna.presses(intro, "▶️ Start de scan")
    scan_message = await group.bot_says(containing="Samenwerkingsscan #1")
    scan = await bot.repo.latest_scan(group.id, closed=False)
    score = scan_message.button_data("🎯 4")
    close = scan_message.button_data("📊 Sluiten en uitslag tonen")
    assert (score, close) == (Score(scan.id, 0, 4).encode(), Close(scan.id).encode())
    assert await press_data(other, eve, score, "902") == refused
    assert await press_data(other, eve, close, "903") == refused
    assert await press_data(other, eve, f"sc:{scan.id}:9:0", "904") == refused
    assert await bot.repo.scan_scores(scan.id) == []
    assert (await bot.repo.scan(scan.id)).closed_at is None
    assert not fake.errors, fake.errors


async def test_a_remark_is_taken_by_its_prompt_kind(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    intro, _ = await open_scan(group, anna)
    await anna.presses(intro, "🕶 Start een anonieme scan")
    message = await group.bot_says(containing="Anonieme samenwerkingsscan #1")
    scan = await bot.repo.latest_scan(group.id, closed=False)
    await bram.replies(message, "Meer overleg graag")
    await group.bot_says(containing="Opmerking bewaard")
    prompt = await bot.repo.prompt(group.id, message.message_id)
    assert (prompt.kind, prompt.ref) == ("scan", scan.id)
    assert (await bot.repo.scan(scan.id)).message_id == message.message_id
    remarks = [s for s in await bot.repo.scan_scores(scan.id) if s.remark]
    assert [(r.remark, r.user_name) for r in remarks] == [("Meer overleg graag", "")]
    # A non-admin cannot close it, with either button; an admin can, with the old one too.
    refused = await press_data(group, bram, Close(scan.id).encode(), "911")
    assert refused == NL._("Only the group's admins can do that.")
    await press_data(group, anna, f"sc:{scan.id}:9:0", "912")  # a scan posted before
    await group.bot_says(containing=NL._("The scan is closed; nobody scored it, so there is "
                                         "no result."))
    assert (await bot.repo.scan(scan.id)).closed_at is not None
    late = await press_data(group, carla, Score(scan.id, 1, 3).encode(), "913")
    assert late == NL._("This scan is already closed.")
    await carla.replies(message, "Te laat")
    await group.bot_says(containing=NL._("This scan is already closed."))
    assert not fake.errors, fake.errors


async def test_a_score_out_of_range_is_refused(bot, fake, group):
    anna, *_ = await three_of_two(group)
    intro, _ = await open_scan(group, anna)
    await anna.presses(intro, "▶️ Start de scan")
    await group.bot_says(containing="Samenwerkingsscan #1")
    scan = await bot.repo.latest_scan(group.id, closed=False)
    gone = NL._("This button no longer works.")
    assert await press_data(group, anna, Score(scan.id, 5, 3).encode(), "921") == gone
    assert await press_data(group, anna, Score(scan.id, 0, 6).encode(), "922") == gone
    assert await bot.repo.scan_scores(scan.id) == []


def test_tip_buttons_keep_their_data_and_inline_needs_no_chat():
    library = TipLibrary()
    search = TipSearch(library, {lang: texts(lang) for lang in LANGUAGES})
    tips = Tips(library, search, load_all(), texts)
    assert ShowTip("pep-funds").encode() == "tv:pep-funds"
    assert (Theme("people").encode(), Theme("").encode()) == ("tt:people", "tt:")
    found = tips.inline("fondsen", "nl")
    assert found[0].id == "pep-funds"
    assert found[0].title == texts("nl").key("tip.pep-funds.title")
    assert "<" not in found[0].description and len(found[0].description) <= 120
    assert 1 <= len(tips.inline("", "en")) <= 50


async def test_tip_buttons_answer_in_any_chat(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    unknown = await press_data(group, anna, ShowTip("no-such-tip").encode(), "931")
    assert unknown == NL._("This button no longer works.")
    await anna.sends("/tips")
    menu = await group.bot_says(containing="Kies een thema")
    assert menu.button_data(NL.key("theme.people")) == Theme("people").encode()
    await anna.presses(menu, NL.key("theme.people"))
    await menu.edited(containing="Kies een tip")
    assert menu.buttons[-1] == [NL._("⬅️ All themes")]
    assert not fake.errors, fake.errors
