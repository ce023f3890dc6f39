"""Issue 19, the coordinator's view: a network, consent, link and unlink, the overview
with its alerts, the weekly digest and forged buttons, played over the fake Bot API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fakebot.conversation import Group

from bot.core.clock import FakeClock
from bot.features.network import consent, schedule
from bot.features.network.codes import normal
from bot.features.network.feature import Card, Page

CODE = re.compile(r"[2-9A-Z]{5}-[2-9A-Z]{5}")


async def press_data(chat, member, data: str) -> str:
    """Press a button with `data` (forged: on the chat's last message) and read its toast."""
    await member.sends("/start")
    sent = await chat.bot_says()
    message = dict(sent.message, reply_markup={"inline_keyboard": [[
        {"text": "x", "callback_data": data}]]})
    query_id = str(7_000_000 + abs(hash(data)) % 1_000_000)
    chat.fake.push_update({"callback_query": {"id": query_id, "from": member.user,
                                              "message": message, "chat_instance": "1",
                                              "data": data}})
    return await chat.callback_answer(query_id) or ""


async def start_network(coordinator, name: str) -> str:
    await coordinator.sends(f"/netwerk {name}")
    started = await coordinator.chat.bot_says(containing="gestart")
    return CODE.search(started.text)[0]


async def link(group: Group, admin, code: str) -> None:
    await admin.sends(f"/netwerk {code.lower().replace('-', ' ')}")  # typed loosely
    consent = await group.bot_says(containing="Deze groep koppelen")
    assert "Nooit:" in consent.text and "jullie namen" in consent.text
    await admin.presses(consent, "✅ Koppelen")
    await consent.edited(containing="Gekoppeld aan")


async def two_linked(fake, second: str):
    """De Linde (admin Anna) and a second group (admin Bram) linked to Petra's network
    Utrecht: (linde, second group, anna, bram, petra)."""
    linde, other = Group(fake, title="De Linde"), Group(fake, title=second)
    anna = linde.member("Anna", admin=True, lang="nl")
    bram = other.member("Bram", admin=True, lang="nl")
    petra = linde.member("Petra", lang="nl").in_private()
    code = await start_network(petra, "Utrecht")
    await link(linde, anna, code)
    await link(other, bram, code)
    return linde, other, anna, bram, petra


async def overview(petra) -> str:
    await petra.sends("/overzicht")
    return (await petra.chat.bot_says(containing="gekoppelde samenwerkingen")).text


async def test_a_coordinator_sees_exactly_the_linked_groups(bot, fake, clock):
    linde, noord, zuid, never = (Group(fake, title=t) for t in (
        "Buurthuis De Linde", "Voedselbank Noord", "Taalcafé Zuid", "Nooit Gekoppeld"))
    anna = linde.member("Anna", admin=True, lang="nl")
    bram = noord.member("Bram", admin=True, lang="nl")
    carla = zuid.member("Carla", admin=True, lang="nl")
    dirk = zuid.member("Dirk", lang="nl")
    petra_in_never = never.member("Petra", admin=True, lang="nl")  # also a member there
    await petra_in_never.sends("/status")
    await never.bot_says()
    petra = petra_in_never.in_private()
    code = await start_network(petra, "Vrijwilligerscentrale Utrecht")

    await dirk.sends(f"/netwerk {code}")  # only an admin links
    assert "beheerders" in (await zuid.bot_says()).text
    for group, admin in ((linde, anna), (noord, bram), (zuid, carla)):
        await link(group, admin, code)

    # De Linde's check-in: the goal is no longer shared.
    await anna.sends("/checkin nu")
    round_ = await linde.bot_says(containing="Check-in ·")
    for label in ("1️⃣ Nee", "2️⃣ Ja", "3️⃣ ▶️ Doorgaan"):
        await linde.callback_answer(await anna.presses(round_, label))
    await anna.replies(round_, "Anna vindt het geheime plan niks")
    await linde.bot_says(containing="Samenvatting check-in")

    seen = await overview(petra)
    assert "3 gekoppelde" in seen
    for title in ("Buurthuis De Linde", "Voedselbank Noord", "Taalcafé Zuid"):
        assert title in seen
    assert "Nooit Gekoppeld" not in seen
    assert seen.index("Buurthuis De Linde") < seen.index("Voedselbank Noord")  # attention
    assert "het doel niet meer gedeeld" in seen
    for private in ("Anna", "Bram", "Carla", "Dirk", "geheime plan"):
        assert private not in seen

    # Taalcafé Zuid unlinks midway: gone from the overview at once, its card too.
    await carla.sends("/netwerk los")
    await zuid.bot_says(containing="Ontkoppeld")
    seen = await overview(petra)
    assert "2 gekoppelde" in seen and "Taalcafé Zuid" not in seen
    network = (await bot.repo.networks_of(petra.id))[0].id
    assert await press_data(petra.chat, petra, Card(network, zuid.id).encode()) == \
        "Deze knop werkt niet meer."

    # Four weeks of silence for De Linde; Noord is active again.
    clock.advance(days=29)
    await bram.sends("/status")
    await noord.bot_says()
    seen = await overview(petra)
    block = seen[seen.index("Buurthuis De Linde"):seen.index("Voedselbank Noord")]
    assert "al 4 weken niets gebeurd" in block
    assert "weken niets" not in seen[seen.index("Voedselbank Noord"):]

    # The card of a linked group opens; it holds no names or free text.
    await petra.sends("/overzicht")
    message = await petra.chat.bot_says(containing="gekoppelde samenwerkingen")
    await petra.presses(message, "📇 Buurthuis De Linde")
    card = await petra.chat.bot_says(containing="📇 Buurthuis De Linde")
    assert "zelfde doel nee 1" in card.text
    assert "Anna" not in card.text and "geheime plan" not in card.text
    assert "deelt haar samenvattingen niet" in card.text


async def test_sharing_summaries_is_a_separate_choice(bot, fake, clock):
    linde = Group(fake, title="De Linde")
    anna = linde.member("Anna", admin=True, lang="nl")
    kees = linde.member("Kees", lang="nl")
    petra = linde.member("Petra", lang="nl").in_private()
    code = await start_network(petra, "Welzijn West")
    await link(linde, anna, code)
    await anna.sends("/checkin nu")
    round_ = await linde.bot_says(containing="Check-in ·")
    await anna.replies(round_, "Meer vrijwilligers werven")
    await linde.bot_says(containing="genoteerd")
    for label in ("1️⃣ Ja", "2️⃣ Ja", "3️⃣ 🔧 Bijsturen"):
        await linde.callback_answer(await anna.presses(round_, label))
    clock.advance(days=4)
    await bot.running.tick()
    await linde.bot_says(containing="Samenvatting check-in")

    network = (await bot.repo.networks_of(petra.id))[0].id
    data = Card(network, linde.id).encode()
    await petra.sends("/start")
    await petra.chat.bot_says()
    assert await press_data(petra.chat, petra, data) == ""
    card = await petra.chat.bot_says(containing="📇 De Linde")
    assert "Meer vrijwilligers" not in card.text

    await kees.sends("/netwerk")
    status = await linde.bot_says(containing="Gekoppelde netwerken")
    refused = await kees.presses(status, "📤 Samenvattingen delen")
    assert "Alleen de beheerders" in await linde.callback_answer(refused)
    await anna.presses(status, "📤 Samenvattingen delen")
    await status.edited(containing="samenvattingen gedeeld")
    await press_data(petra.chat, petra, data)
    card = await petra.chat.bot_says(containing="📇 De Linde")
    assert "Meer vrijwilligers werven" in card.text and "Anna" not in card.text


async def test_a_forged_button_of_another_network_does_nothing(bot, fake, clock):
    linde, oost = Group(fake, title="De Linde"), Group(fake, title="Oost")
    anna = linde.member("Anna", admin=True, lang="nl")
    olga = oost.member("Olga", admin=True, lang="nl")
    petra = linde.member("Petra", lang="nl").in_private()
    quinn = oost.member("Quinn", lang="nl").in_private()
    await link(linde, anna, await start_network(petra, "Noord"))
    await link(oost, olga, await start_network(quinn, "Oost-netwerk"))
    mine = (await bot.repo.networks_of(petra.id))[0].id
    theirs = (await bot.repo.networks_of(quinn.id))[0].id
    stale = "Deze knop werkt niet meer."
    for data in (Card(theirs, oost.id), Card(mine, oost.id), Card(theirs, linde.id),
                 Page(theirs, 0)):
        assert await press_data(petra.chat, petra, data.encode()) == stale
    assert not [m for m in petra.chat.unread() if "Oost" in m.text]
    # Not in a group either, not even by a member of both.
    assert await press_data(linde, anna, Card(mine, linde.id).encode()) == stale


async def test_a_co_coordinator_joins_with_an_invitation_used_once(bot, fake):
    linde = Group(fake, title="De Linde")
    petra = linde.member("Petra", lang="nl").in_private()
    rik = linde.member("Rik", lang="nl").in_private()
    sam = linde.member("Sam", lang="nl").in_private()
    await start_network(petra, "Noord")
    await petra.sends("/netwerk")
    mine = await petra.chat.bot_says(containing="Jouw netwerken")
    await petra.presses(mine, "👥 Uitnodigen")
    invite = CODE.search((await petra.chat.bot_says(containing="uitnodiging")).text)[0]
    await rik.sends(f"/netwerk {invite}")
    await rik.chat.bot_says(containing="Je bent nu coördinator van Noord")
    await sam.sends(f"/netwerk {invite}")
    await sam.chat.bot_says(containing="ken ik niet")
    assert await bot.repo.networks_of(sam.id) == []
    await rik.sends("/overzicht")
    await rik.chat.bot_says(containing="Netwerk Noord")


async def test_the_weekly_digest_arrives_on_schedule(bot, fake, clock: FakeClock):
    clock.set(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))  # a Monday, 10:00 in Amsterdam
    linde = Group(fake, title="De Linde")
    anna = linde.member("Anna", admin=True, lang="nl")
    petra = linde.member("Petra", lang="nl").in_private()
    await link(linde, anna, await start_network(petra, "Noord"))
    assert await bot.running.tick() == 0  # off by default
    await petra.sends("/netwerk weekoverzicht woensdag 8:30")
    await petra.chat.bot_says(containing="elke woensdag om 08:30")
    clock.set(datetime(2026, 1, 7, 7, 29, tzinfo=UTC))
    assert await bot.running.tick() == 0
    clock.set(datetime(2026, 1, 7, 7, 30, tzinfo=UTC))
    assert await bot.running.tick() == 1
    digest = await petra.chat.bot_says(containing="Weekoverzicht · Noord")
    assert "De Linde" in digest.text and "koppelde aan het netwerk" in digest.text
    assert "Anna" not in digest.text
    assert await bot.running.tick() == 0  # once
    clock.set(datetime(2026, 2, 4, 7, 30, tzinfo=UTC))
    assert await bot.running.tick() == 1  # missed weeks come as one, then weekly again
    late = await petra.chat.bot_says(containing="Weekoverzicht · Noord")
    assert "weken niets gebeurd" in late.text
    await petra.sends("/netwerk weekoverzicht uit")
    await petra.chat.bot_says(containing="staat uit")
    clock.advance(weeks=2)
    assert await bot.running.tick() == 0


def test_codes_and_digest_moments():
    assert normal("abcde fghjk") == "ABCDEFGHJK"
    assert normal("ABCDE-FGHJ0") is None  # no zero: it reads like an O
    assert schedule.parse(["maandag", "9:00"]) == "0 09:00"
    assert schedule.parse(["friday", "16.30"]) == "4 16:30"
    assert schedule.parse(["9:00"]) is None
    monday = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
    at = schedule.next_moment("0 09:00", "Europe/Amsterdam", monday)
    assert at == monday + timedelta(days=7) - timedelta(hours=4)  # next week, 09:00 CET
    summer = schedule.next_moment("0 09:00", "Europe/Amsterdam", at)
    assert summer == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST, after the change


async def scanned(bot, group: Group, clock, people: list[str]) -> None:
    """A closed named scan of `people` (as the store keeps it), with a remark."""
    repo = bot.repo
    async with repo.transaction() as unit:
        scan = await unit.open_scan(group.id, False, "salt", clock.now())
        for number, name in enumerate(people, start=1):
            for i, condition in enumerate(("ambition", "interests", "process", "relations",
                                           "organisation")):
                await unit.add_scan_score(scan.id, group.id, number, name, None, condition,
                                          1 + (i + number) % 5, None, clock.now())
        await unit.add_scan_score(scan.id, group.id, 1, people[0], None, "remark", None,
                                  "geheime opmerking", clock.now())
        await unit.close_scan(scan.id, clock.now())


async def test_the_network_chart_and_export_hold_no_names(bot, fake, clock):
    import csv
    import io

    from openpyxl import load_workbook

    linde, noord, _anna, _bram, petra = await two_linked(fake, "=Noord")
    await scanned(bot, linde, clock, ["Anna", "Kees", "Lot"])
    await scanned(bot, noord, clock, ["Bram", "Mo"])  # too few to count

    seen = await overview(petra)
    assert "Scan #1: gemiddeld" in seen and "te weinig deelnemers" in seen
    await petra.sends("/overzicht")
    message = await petra.chat.bot_says(containing="gekoppelde samenwerkingen")
    await petra.presses(message, "📊 Grafiek")
    picture = await petra.chat.bot_says(containing="vijf voorwaarden")
    assert picture.document.data[:8] == b"\x89PNG\r\n\x1a\n"
    await petra.presses(message, "📄 Export")
    sheet = await petra.chat.bot_says(containing="één rij per samenwerking")
    # Dutch spreadsheets split a CSV at semicolons (the comma is the decimal sign)
    table = list(csv.reader(io.StringIO(sheet.document.data.decode("utf-8-sig")),
                            delimiter=";"))
    assert sorted(row[0] for row in table[1:]) == ["'=Noord", "De Linde"]
    book = await petra.chat.bot_says(where=lambda m: "document" in m and
                                     m["document"].get("file_name", "").endswith(".xlsx"))
    sheet_rows = list(load_workbook(io.BytesIO(book.document.data)).active.iter_rows())
    cells = [c.value for row in sheet_rows for c in row]
    titled = next(c for row in sheet_rows for c in row if c.value == "=Noord")
    assert titled.data_type == "s"  # a title is text, never read as a formula
    assert "'" not in cells and "" not in cells  # an empty cell stays empty
    assert table[0][:2] == ["Samenwerking", "Waar ze staan"]  # headers in Dutch
    assert "'=Noord" in [row[0] for row in table]  # the CSV keeps it text too
    linde_row = next(row for row in table if row[0] == "De Linde")
    assert "Professionele opzet" in linde_row and "nee" in linde_row
    average = linde_row[table[0].index("Gemiddelde scan")]
    assert "," in average and "." not in average  # 3,67: a number to a Dutch spreadsheet
    everything = repr(table) + repr(cells)
    for private in ("Anna", "Bram", "Kees", "Lot", "Mo", "geheime", "Petra"):
        assert private not in everything


# -- a coordinator's /forgetme, a group's export and /forget, activity, guessing, digest ---

async def test_a_forgotten_coordinator_coordinates_no_more(bot, fake):
    linde = Group(fake, title="De Linde")
    anna = linde.member("Anna", admin=True, lang="nl")
    petra = linde.member("Petra", lang="nl").in_private()
    rik = linde.member("Rik", lang="nl").in_private()
    await link(linde, anna, await start_network(petra, "Noord"))  # Petra alone
    await start_network(rik, "Zuid")  # Rik invites Petra: Zuid is shared
    await rik.sends("/netwerk")
    await rik.presses(await rik.chat.bot_says(containing="Jouw netwerken"), "👥 Uitnodigen")
    invite = CODE.search((await rik.chat.bot_says(containing="uitnodiging")).text)[0]
    await petra.sends(f"/netwerk {invite}")
    await petra.chat.bot_says(containing="Je bent nu coördinator van Zuid")
    noord = (await bot.repo.networks_of(petra.id))[0].id

    await petra.sends("/mydata")
    mine = await petra.chat.bot_says(containing="Wat ik over jou bewaar")
    assert "coördinator van het netwerk Noord (1 gekoppelde" in mine.text
    await petra.sends("/vergeetmij")
    confirm = await petra.chat.bot_says(containing="Jou vergeten?")
    assert "enige coördinator van Noord" in confirm.text
    assert "geen coördinator meer van Zuid" in confirm.text
    await petra.presses(confirm, "🗑 Ja, vergeet mij")
    done = await confirm.edited(containing="Klaar")
    assert "Het netwerk Noord is gewist" in done.text
    assert "geen coördinator meer van Zuid" in done.text

    assert await bot.repo.networks_of(petra.id) == []
    assert await bot.repo.network(noord) is None
    assert [c.user_id for c in await bot.repo.coordinators(
        (await bot.repo.networks_of(rik.id))[0].id)] == [rik.id]
    await anna.sends("/netwerk")
    await linde.bot_says(containing="aan geen enkel netwerk gekoppeld")
    await petra.sends("/overzicht")
    assert "Noord" not in (await petra.chat.bot_says()).text
    await rik.sends("/overzicht")
    await rik.chat.bot_says(containing="Netwerk Zuid")


async def test_a_groups_export_holds_its_network_links_and_forget_removes_them(bot, fake):
    import json

    linde = Group(fake, title="De Linde")
    anna = linde.member("Anna", admin=True, lang="nl")
    petra = linde.member("Petra", lang="nl").in_private()
    await link(linde, anna, await start_network(petra, "Noord"))
    await anna.sends("/export")
    data = json.loads((await linde.bot_says(containing="als data (JSON)")).document.data)
    (row,) = data["tables"]["network_links"]
    assert (row["network_label"], row["linked_by"], row["unlinked_at"]) == \
        ("Noord", anna.id, None)
    text = (await linde.bot_says(containing="om te lezen")).document.data.decode()
    networks = text[text.index("## Netwerken"):]
    assert "**Noord**: gekoppeld op" in networks and "door Anna" in networks
    assert "samenvattingen niet gedeeld" in networks

    await anna.sends("/vergeet")
    confirm = await linde.bot_says(containing="Alles wissen?")
    await anna.presses(confirm, "🗑 Ja, wis alles")
    await confirm.edited(containing="gewist")
    assert await bot.repo.count("network_links", linde.id) == 0
    assert "0 gekoppelde" in await overview(petra)


async def test_check_ins_the_clock_sends_count_as_activity(bot, fake, clock: FakeClock):
    monday = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
    clock.set(monday)
    linde = Group(fake, title="De Linde")
    anna = linde.member("Anna", admin=True, lang="nl")
    petra = linde.member("Petra", lang="nl").in_private()
    await link(linde, anna, await start_network(petra, "Noord"))
    await anna.sends("/checkin wekelijks maandag 10:00")
    await linde.bot_says(containing="Check-ins gepland")
    for week in range(5):  # five Mondays on which only the clock speaks in the group
        clock.set(monday + timedelta(weeks=week, hours=1))
        assert await bot.running.tick() >= 1
    assert (await bot.repo.open_checkin_of(linde.id)).opened_at == clock.now()
    clock.advance(days=1)  # four weeks and a day since anyone wrote in the group
    seen = await overview(petra)
    assert "gisteren actief" in seen, seen
    assert "weken niets gebeurd" not in seen
    assert "niemand beantwoordde de laatste check-in" in seen


async def test_guessing_link_codes_stops_after_five_wrong_ones(bot, fake, clock: FakeClock):
    linde = Group(fake, title="De Linde")
    anna = linde.member("Anna", admin=True, lang="nl")
    petra = linde.member("Petra", lang="nl").in_private()
    code = await start_network(petra, "Noord")
    wrong = "ABCDE-FGHJK" if code != "ABCDE-FGHJK" else "ABCDE-FGHJL"
    await anna.sends("/netwerk hallo")  # not a code: no guess
    assert "ken ik niet" in (await linde.bot_says()).text
    for _ in range(4):
        await anna.sends(f"/netwerk {wrong}")
        assert "ken ik niet" in (await linde.bot_says()).text
    clock.advance(minutes=30)
    await anna.sends(f"/netwerk {wrong}")  # the fifth within the hour
    assert "Wacht een uur" in (await linde.bot_says()).text
    await anna.sends(f"/netwerk {code}")  # now even the right one waits
    assert "vraag intussen de coördinator om een verse code" in \
        (await linde.bot_says()).text
    forged = consent.Link(linde.id, normal(code)).encode()
    assert "Wacht een uur" in await press_data(linde, anna, forged)
    clock.advance(minutes=30)  # the first four are an hour old: one more try
    await link(linde, anna, code)

    # Invitations in a private chat count the same way.
    rik = linde.member("Rik", lang="nl").in_private()
    for _ in range(4):
        await rik.sends(f"/netwerk {wrong}")
        assert "ken ik niet" in (await rik.chat.bot_says()).text
    await rik.sends(f"/netwerk {wrong}")
    assert "Wacht een uur" in (await rik.chat.bot_says()).text
    # Counted in the store: the limit holds across a restart (and across workers).
    await bot.restart()
    await rik.sends(f"/netwerk {wrong}")
    assert "Wacht een uur" in (await rik.chat.bot_says()).text


async def test_the_digest_names_a_group_that_unlinked(bot, fake, clock: FakeClock):
    clock.set(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))  # a Monday
    _linde, noord, _anna, bram, petra = await two_linked(fake, "Voedselbank Noord")
    await petra.sends("/netwerk weekoverzicht woensdag 8:30")
    await petra.chat.bot_says(containing="elke woensdag om 08:30")
    clock.set(datetime(2026, 1, 7, 7, 30, tzinfo=UTC))
    assert await bot.running.tick() == 1
    first = await petra.chat.bot_says(containing="Weekoverzicht · Utrecht")
    assert "2 gekoppelde samenwerkingen." in first.text and "ontkoppeld" not in first.text

    clock.advance(days=1)
    await bram.sends("/netwerk los")
    await noord.bot_says(containing="volgende weekoverzicht meldt alleen")
    clock.set(datetime(2026, 1, 14, 7, 30, tzinfo=UTC))
    assert await bot.running.tick() == 1
    second = await petra.chat.bot_says(containing="Weekoverzicht · Utrecht")
    assert "Voedselbank Noord is ontkoppeld van het netwerk" in second.text
    assert "Nu 1 gekoppelde samenwerkingen, bij het vorige weekoverzicht 2" in second.text
    assert "Bram" not in second.text
    clock.set(datetime(2026, 1, 21, 7, 30, tzinfo=UTC))
    assert await bot.running.tick() == 1
    third = await petra.chat.bot_says(containing="Weekoverzicht · Utrecht")
    assert "ontkoppeld" not in third.text and "1 gekoppelde samenwerkingen." in third.text
    assert await bot.repo.count("network_links", noord.id) == 1  # kept for the digest
    clock.set(datetime(2026, 2, 9, 9, 0, tzinfo=UTC))  # 30 days after unlinking
    await bot.running.tick()
    assert await bot.repo.count("network_links", noord.id) == 0
