"""The scan chart: the 1-5 axis, the values on the bars, the weakest condition marked, the
previous scan only when there is one, and a PNG Telegram takes and a phone shows well;
then two scans played over the fake Bot API, the second chart decoded."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from journey import three_of_two
from PIL import Image

from bot.core.entities import Scan
from bot.core.i18n import texts
from bot.features.scan.chart import PREVIOUS, WEAKEST_BAND, draw, plain, render_chart
from bot.features.scan.conditions import load_conditions
from bot.features.scan.result import Result

CONDITIONS = load_conditions()
IDS = [c.id for c in CONDITIONS]
MARKS = ["🎯", "⚖️", "🧭", "🤝", "🏛"]
DAY = date(2027, 3, 12)


def result(previous: bool) -> Result:
    group = dict(zip(IDS, [4.0, 8 / 3, 3.0, 4.0, 3.0], strict=True))
    orgs = {"Buurthuis": dict(zip(IDS, [4.0, 2.0, 4.0, 4.5, 3.0], strict=True)),
            "Voedselbank": dict(zip(IDS, [4.0, 4.0, 1.0, 3.0, 3.0], strict=True))}
    earlier = Scan(1, 1, 1, 0, "", datetime(2026, 10, 1, tzinfo=UTC),
                   datetime(2026, 10, 3, tzinfo=UTC), None)
    old = dict(zip(IDS, [3.0, 3.5, 2.0, 4.0, 1.5], strict=True))
    return Result(3, group, orgs, {}, "interests", {}, earlier if previous else None,
                  old if previous else {})


def texts_of(figure, gid: str | None = None) -> list:
    axes = figure.axes[0]
    return [x for x in axes.texts if gid is None or x.get_gid() == gid]


def legend_of(figure) -> list[str]:
    """The legend as a reader reads it: row by row, left to right."""
    figure.canvas.draw()  # places the legend's entries
    renderer = figure.canvas.get_renderer()
    boxes = [(x.get_window_extent(renderer), x.get_text())
             for x in figure.legends[0].get_texts()]
    return [text for box, text in sorted(boxes, key=lambda b: (-round(b[0].y1), b[0].x0))]


def colour_pixels(png: bytes, colour: str) -> int:
    rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(count for count, pixel in image.getcolors(1 << 20) if pixel == rgb)


def test_the_axis_is_the_1_to_5_scale():
    axes = draw(texts("nl"), CONDITIONS, result(False), 1, DAY).axes[0]
    assert axes.get_xlim() == (1, 5)
    assert list(axes.get_xticks()) == [1, 2, 3, 4, 5]
    bars = [p for p in axes.patches if p.get_height() == pytest.approx(0.8)]
    assert len(bars) == 5 * 3  # the group and two organisations
    assert {p.get_x() for p in bars} == {1}  # every bar starts at 1, not at 0


def test_every_value_is_on_its_bar_in_the_chats_language():
    figure = draw(texts("nl"), CONDITIONS, result(False), 1, DAY)
    values = [x.get_text() for x in texts_of(figure, "value")]
    assert len(values) == 15
    assert values[:3] == ["4,0", "4,0", "4,0"]  # ambition: the group, Buurthuis, Voedselbank
    assert values[3:6] == ["2,7", "2,0", "4,0"]  # interests
    english = draw(texts("en"), CONDITIONS, result(False), 1, DAY)
    assert [x.get_text() for x in texts_of(english, "value")][3] == "2.7"
    names = [x.get_text() for x in texts_of(figure, "condition")]
    assert names == ["Gedeelde ambitie", "Erkende belangen", "Betekenisvol proces",
                     "Relaties", "Professionele opzet"]  # whole, never cut off
    assert figure.texts[0].get_text() == "Samenwerkingsscan #1"
    assert figure.texts[1].get_text() == "12 maart 2027 · Deelnemers: 3"


def test_the_weakest_condition_is_marked_in_its_own_block():
    figure = draw(texts("en"), CONDITIONS, result(False), 1, DAY)
    [mark] = texts_of(figure, "weakest")
    assert "weakest condition" in mark.get_text()
    [title] = [x for x in texts_of(figure, "condition") if x.get_text() == "Recognised interests"]
    assert mark.get_position()[1] == title.get_position()[1]
    none = Result(0, {}, {}, {}, None, {})
    assert texts_of(draw(texts("en"), CONDITIONS, none, 1, DAY), "weakest") == []


def test_the_previous_scan_appears_only_when_there_is_one():
    first = draw(texts("nl"), CONDITIONS, result(False), 1, DAY)
    assert legend_of(first) == ["De groep", "Buurthuis", "Voedselbank"]
    second = draw(texts("nl"), CONDITIONS, result(True), 2, DAY, date(2026, 10, 3))
    assert legend_of(second) == ["De groep", "Vorige scan #1 · 3 okt 2026", "Buurthuis",
                                 "Voedselbank"]  # read row by row, in the bars' order
    hatched = [p for p in second.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 5 and {p.get_width() + 1 for p in hatched} == {3.0, 3.5, 2.0,
                                                                            4.0, 1.5}
    assert [x.get_text() for x in texts_of(second, "value")][:2] == ["4,0", "3,0"]
    english = draw(texts("en"), CONDITIONS, result(True), 2, DAY, date(2026, 10, 3))
    assert "Previous scan #1 · Oct 3, 2026" in legend_of(english)
    # A previous scan without scores is no previous scan.
    empty = Result(3, result(True).group, {}, {}, "interests", {}, result(True).previous_scan)
    assert legend_of(draw(texts("nl"), CONDITIONS, empty, 2, DAY)) == ["De groep"]


def test_the_png_fits_telegram_and_a_phone():
    for previous in (False, True):
        png = render_chart(texts("nl"), CONDITIONS, result(previous), 2, DAY, date(2026, 10, 3))
        image = Image.open(io.BytesIO(png))
        image.load()  # decodes the whole picture
        width, height = image.size
        assert image.format == "PNG" and 1000 <= width <= 1400
        assert len(png) <= 10 * 1024 * 1024 and width + height <= 10000
        assert max(width, height) / min(width, height) <= 20
        assert (colour_pixels(png, PREVIOUS) > 1000) == previous
        assert colour_pixels(png, WEAKEST_BAND) > 1000


def test_names_are_drawn_as_typed_without_what_the_font_lacks():
    assert plain("Voedselbank 🍞  Noord") == "Voedselbank Noord"
    assert plain("Kerk $5 & co") == r"Kerk \$5 & co"  # no mathtext
    assert plain("🎉") == "?"
    long = "Stichting Vrijwilligerscentrum Den Haag Zuid-West en omstreken"
    figure = draw(texts("nl"), CONDITIONS, Result(2, {"ambition": 3.0},
                  {long: {"ambition": 3.0}, "_Club": {"ambition": 4.0}}, {}, "ambition", {}),
                  1, DAY)
    assert legend_of(figure) == ["De groep", long, "_Club"]  # one column: too long for two


async def test_two_scans_over_the_bot_api(bot, fake, group, monkeypatch):
    drawn = []

    def spy(t, conditions, found, number, day, previous_day=None):
        drawn.append((number, day, previous_day, dict(found.previous)))
        return render_chart(t, conditions, found, number, day, previous_day)

    monkeypatch.setattr("bot.features.scan.feature.render_chart", spy)
    anna, bram, carla = await three_of_two(group)
    members = {"Anna": anna, "Bram": bram, "Carla": carla}
    rounds = [{"Anna": [4, 2, 3, 4, 3], "Bram": [3, 2, 4, 5, 3], "Carla": [4, 4, 1, 3, 3]},
              {"Anna": [5, 3, 3, 4, 4], "Bram": [4, 3, 4, 5, 4], "Carla": [4, 4, 2, 4, 3]}]
    closes = [datetime(2026, 1, 5, 23, 30, tzinfo=UTC),  # 6 January in Amsterdam
              datetime(2026, 4, 20, 10, 0, tzinfo=UTC)]
    photos = []
    for n, (scores, closing) in enumerate(zip(rounds, closes, strict=True), start=1):
        await anna.sends("/scan")
        intro = await group.bot_says(containing="Samenwerkingsscan")
        await anna.presses(intro, "▶️ Start de scan")
        scan = await group.bot_says(containing=f"Samenwerkingsscan #{n}")
        for name, values in scores.items():
            if name == "Carla":
                bot.clock.set(closing)  # her last score closes the scan
            for mark, value in zip(MARKS, values, strict=True):
                await group.callback_answer(await members[name].presses(scan, f"{mark} {value}"))
        photos.append(await group.bot_says(containing=f"Uitslag van samenwerkingsscan #{n}"))
        text = await group.bot_says(containing="deelnemers")
        assert ("Sinds de vorige scan" in text.text) == (n == 2)  # the text result stays

    assert drawn[0] == (1, date(2026, 1, 6), None, {})
    assert drawn[1][:3] == (2, date(2026, 4, 20), date(2026, 1, 6))
    assert drawn[1][3]["interests"] == pytest.approx(8 / 3)  # scan 1's group averages
    second = photos[1]
    assert "photo" in second.stored.message and "document" not in second.stored.message
    png = second.document.data
    image = Image.open(io.BytesIO(png))
    image.load()
    width, height = image.size
    assert 1000 <= width <= 1400 and height <= 2 * width and len(png) < 1024 * 1024
    assert colour_pixels(png, PREVIOUS) > 1000  # the previous scan is beside it
    assert colour_pixels(photos[0].document.data, PREVIOUS) == 0
    assert not fake.errors, fake.errors


def test_matplotlib_draws_on_its_own_agg_canvas():
    # No display, and pyplot's global backend stays untouched.
    figure = draw(texts("en"), CONDITIONS, result(True), 2, DAY, date(2026, 10, 3))
    assert type(figure.canvas).__name__ == "FigureCanvasAgg"
