"""The agreement as a PDF (fpdf2): a title block (partners, date, version), its sections,
the open points, and signature lines per partner organisation.

Text is left-aligned (fpdf2's multi_cell justifies by default), and a heading is never
left alone at the foot of a page: before it, the heading and the first lines of what
follows are measured (fpdf2's dry run), and a page that cannot hold them is ended.
The font is DejaVu Sans (shipped with matplotlib), which covers Dutch and most scripts;
characters it cannot draw, such as emoji, are left out cleanly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fpdf import FPDF

from bot.core.i18n import Texts
from bot.features.agreement import content
from bot.features.agreement.content import Entry, Item, Section, Terms

FONT = "DejaVu"
MARGIN = 20  # mm, left and right
BOTTOM = 20  # mm kept free at the foot of a page (the footer sits in it)
LINE = 5.2  # mm, a line of body text
WHO = 46  # mm, the column with the organisation's name
KEEP = 2 * LINE  # a heading stays with at least this much of what follows
FIRST = 300  # characters: more than two lines of an answer, enough to measure KEEP
GREY, INK, ACCENT = (110, 110, 110), (20, 20, 20), (25, 80, 110)


@cache
def _font_path() -> Path:
    import matplotlib
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@cache
def _drawable() -> frozenset[int]:
    from fontTools.ttLib import TTFont
    return frozenset(TTFont(_font_path() / "DejaVuSans.ttf").getBestCmap())


def drawable(text: str) -> str:
    """Leave out what the font cannot draw (emoji), and the spaces it leaves behind."""
    chars = _drawable()
    kept = "".join(c for c in text if ord(c) in chars or c == "\n")
    return "\n".join(" ".join(line.split()) for line in kept.split("\n"))


class Sheet(FPDF):
    """An A4 page with the document's name, version and page number at its foot."""

    def __init__(self, foot: str) -> None:
        super().__init__(format="A4")
        self.foot = foot
        folder = _font_path()
        for style, name in (("", "DejaVuSans"), ("B", "DejaVuSans-Bold"),
                            ("I", "DejaVuSans-Oblique")):
            self.add_font(FONT, style, str(folder / f"{name}.ttf"))
        self.set_margins(MARGIN, 18, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM)

    def footer(self) -> None:
        self.set_y(-13)
        self.style(8, "", GREY)
        self.cell(0, 5, f"{self.foot} · {self.page_no()}/{{nb}}", align="C")

    def style(self, size: float, font_style: str = "", color=INK) -> None:
        self.set_font(FONT, font_style, size)
        self.set_text_color(*color)

    def para(self, text: str, h: float = LINE, indent: float = 0, width: float = 0,
             *, measure: bool = False) -> float:
        """Left-aligned text in the current style; with `measure`, only its height."""
        x = self.l_margin + indent
        width = width or self.w - self.r_margin - x
        if measure:
            return self.multi_cell(width, h, drawable(text), align="L", dry_run=True,
                                   output="HEIGHT")
        self.set_x(x)
        self.multi_cell(width, h, drawable(text), align="L", new_x="LMARGIN", new_y="NEXT")
        return 0.0

    def keep(self, height: float) -> None:
        """End the page when `height` does not fit on what is left of it."""
        if self.y > self.t_margin + 1 and self.will_page_break(height):
            self.add_page()


def render(t: Texts, agreement: Terms) -> bytes:
    title = t._("Collaboration agreements")
    version = content.version(t, agreement)
    pdf = Sheet(drawable(f"{title} · {version}"))
    pdf.set_title(drawable(title))
    pdf.set_subject(drawable(", ".join(agreement.partners)))
    pdf.set_creator("Samenwerkbot")
    pdf.add_page()
    _title_block(pdf, t, agreement, title, version)
    for section in agreement.sections:
        _section(pdf, t, section)
    if agreement.open_points:
        _open_points(pdf, t, agreement.open_points)
    _signatures(pdf, t, agreement.partners)
    pdf.ln(4)
    pdf.style(8, "I", GREY)
    pdf.para(t._("Made with Samenwerkbot, from the answers in your group chat."), 4.5)
    return bytes(pdf.output())


def _title_block(pdf: Sheet, t: Texts, agreement: Terms, title: str,
                 version: str) -> None:
    pdf.style(22, "B", ACCENT)
    pdf.para(title, 11)
    pdf.ln(3)
    rows = ((t._("Partners"), ", ".join(agreement.partners) or "–"),
            (t._("Date"), t.date(agreement.today)), (t._("Version"), version))
    for label, value in rows:
        y = pdf.y
        pdf.style(10, "B", GREY)
        pdf.para(label, 6, width=28)
        pdf.set_y(y)
        pdf.style(10, "", INK)
        pdf.para(value, 6, indent=28)
    pdf.ln(3)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(2)


def _heading(pdf: Sheet, text: str, *, measure: bool = False) -> float:
    pdf.style(13, "B", ACCENT)
    if measure:
        return 6 + pdf.para(text, 7, measure=True) + 1
    pdf.ln(6)
    pdf.para(text, 7)
    pdf.ln(1)
    return 0.0


def _label(pdf: Sheet, text: str, *, measure: bool = False) -> float:
    pdf.style(10, "B", INK)
    if measure:
        return 1.5 + pdf.para(text, LINE, measure=True)
    pdf.ln(1.5)
    pdf.para(text)
    return 0.0


def _entry(pdf: Sheet, t: Texts, entry: Entry, *, measure: bool = False) -> float:
    """One answer: the organisation's name in a column of its own, the answer beside it.
    Measured, only its first lines count (what a heading must keep with it)."""
    shown = entry.value if entry.value is not None else t._("still open")
    look = ("", INK) if entry.value is not None else ("I", GREY)
    indent = 4 + (WHO if entry.who else 0)
    if measure:  # a few lines' worth of text tells whether it fills KEEP
        pdf.style(10, *look)
        height = pdf.para(shown[:FIRST], indent=indent, measure=True)
        if entry.who:
            pdf.style(10, "B", INK)
            height = max(height, pdf.para(entry.who, indent=4, width=WHO - 3, measure=True))
        return min(height, KEEP) + 1
    pdf.style(10, "B", INK)  # the row starts on the page its name fits on
    pdf.keep(max(LINE, pdf.para(entry.who, indent=4, width=WHO - 3, measure=True)
                 if entry.who else 0))
    top, page = pdf.y, pdf.page
    if entry.who:
        pdf.para(entry.who, indent=4, width=WHO - 3)
        below = pdf.y
        pdf.set_y(top)
    pdf.style(10, *look)
    pdf.para(shown, indent=indent)
    if entry.who and pdf.page == page:
        pdf.set_y(max(pdf.y, below))
    pdf.ln(1)
    return 0.0


def _item_start(pdf: Sheet, t: Texts, item: Item) -> float:
    """How much of an item must follow its heading: its label and its first lines."""
    first = _entry(pdf, t, item.entries[0], measure=True) if item.entries else 0
    return (_label(pdf, item.label, measure=True) if item.label else 0) + first


def _section(pdf: Sheet, t: Texts, section: Section) -> None:
    start = _item_start(pdf, t, section.items[0]) if section.items else KEEP
    pdf.keep(_heading(pdf, section.title, measure=True) + start)
    _heading(pdf, section.title)
    for number, item in enumerate(section.items):
        if number and item.label:
            pdf.keep(_item_start(pdf, t, item))
        if item.label:
            _label(pdf, item.label)
        for entry in item.entries:
            _entry(pdf, t, entry)


def _open_points(pdf: Sheet, t: Texts, points: list[str]) -> None:
    title = t._("Still open")
    intro = t._("These points have no answer yet: answer them in /process and make the "
                "agreements again with /agreement.")
    pdf.style(10, "", INK)
    first = pdf.para(intro, measure=True) + LINE
    pdf.keep(_heading(pdf, title, measure=True) + first)
    _heading(pdf, title)
    pdf.style(10, "", INK)
    pdf.para(intro)
    pdf.ln(1)
    for point in points:
        pdf.para(f"•  {point}", indent=4)


def _signatures(pdf: Sheet, t: Texts, partners: list[str]) -> None:
    title = t._("Signatures")
    blocks = partners or [""]
    pdf.keep(_heading(pdf, title, measure=True) + _signature(pdf, t, blocks[0], measure=True))
    _heading(pdf, title)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.25)
    for partner in blocks:
        pdf.keep(_signature(pdf, t, partner, measure=True))
        _signature(pdf, t, partner)


def _signature(pdf: Sheet, t: Texts, partner: str, *, measure: bool = False) -> float:
    """Agreed by ____ on behalf of <partner>; date ____ signature ____."""
    by, on_behalf = t._("Agreed by"), t._("on behalf of {organisation}",
                                          organisation=partner or "…")
    right = pdf.w - pdf.r_margin
    pdf.style(10, "", INK)
    behalf_x = pdf.l_margin + 36 + 62 + 2
    behalf = pdf.para(on_behalf, 8, indent=behalf_x - pdf.l_margin, measure=True)
    if measure:
        return 4 + behalf + 3 + 8 + 6
    pdf.ln(4)
    top = pdf.y
    pdf.cell(36, 8, drawable(by))
    pdf.cell(62, 8, "", border="B")
    pdf.set_xy(behalf_x, top)
    pdf.para(on_behalf, 8, indent=behalf_x - pdf.l_margin)
    pdf.ln(3)
    pdf.cell(36, 8, drawable(t._("Date")))
    pdf.cell(40, 8, "", border="B")
    pdf.cell(6, 8, "")
    pdf.cell(30, 8, drawable(t._("Signature")))
    pdf.cell(right - pdf.get_x(), 8, "", border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    return 0.0
