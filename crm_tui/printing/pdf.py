"""A printed document as a PDF (A4): the company and its logo text, the
document's title, the customer and the facts, the lines in a table, the
totals, the description and the terms, and page numbers.

Text is set in a TrueType font with Persian and Arabic letters (the
[documents] font, else DejaVu Sans or Noto Sans from the system) and
shaped by HarfBuzz, so Persian words join as they should and read right
to left; a run of Persian inside a Latin line is kept whole. Without such a
font the standard Helvetica prints Latin text alone, and `render` says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from crm_tui.errors import ValidationError
from crm_tui.printing.document import Printed
from crm_tui.text import clean

# where systems keep a font that has Latin, Persian and Arabic letters
FONT_PLACES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans{}.ttf",
    "/usr/share/fonts/TTF/DejaVuSans{}.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans{}.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans{}.ttf",
    "/usr/local/share/fonts/DejaVuSans{}.ttf",
    "/Library/Fonts/DejaVuSans{}.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans{}.ttf",
    "/usr/share/fonts/noto/NotoSans{}.ttf",
)
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
# a run of right-to-left words (with the ZWNJ, digits, spaces and dashes
# between them), isolated so a Latin line keeps it whole
_RTL_RUN = re.compile(
    f"[{_RTL}](?:[{_RTL}\u200c\u06f0-\u06f90-9 \u2013\\-.,:]*[{_RTL}\u06f0-\u06f9])?"
)
_FIRST_STRONG = re.compile(f"[A-Za-z\u00c0-\u024f{_RTL}]")
WIDTHS = (8, 72, 14, 26, 16, 12, 32)  # mm: #, product, qty, price, discount, tax, amount
HEADINGS = ("#", "Product", "Qty", "Unit price", "Disc.", "Tax", "Amount")


def fonts(settings: dict) -> tuple[str, str] | None:
    """(regular, bold) font files to print with, or None for none found."""
    regular, bold = settings.get("font", ""), settings.get("bold_font", "")
    if regular:
        path = Path(regular).expanduser()
        if not path.is_file():
            raise ValidationError({"font": f"[documents] font {regular!r} is not a file"})
        return str(path), str(Path(bold).expanduser()) if bold else str(path)
    for place in FONT_PLACES:
        found, strong = Path(place.format("")), Path(place.format("-Bold"))
        if found.is_file():
            return str(found), str(strong if strong.is_file() else found)
    return None


def rtl_first(text: str) -> bool:
    """Whether the text's first letter is written right to left."""
    match = _FIRST_STRONG.search(text)
    return bool(match) and not match.group(0).isascii() and match.group(0) > "\u058f"


def _isolated(text: str) -> str:
    return _RTL_RUN.sub(lambda m: f"\u2067{m.group(0)}\u2069", text)


class _Sheet:
    def __init__(self, found: tuple[str, str] | None) -> None:
        from fpdf import FPDF  # only printing needs it

        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_auto_page_break(True, margin=18)
        self.pdf.alias_nb_pages()
        self.unicode = found is not None
        if found:
            self.pdf.add_font("body", "", found[0])
            self.pdf.add_font("body", "B", found[1])
            try:
                self.pdf.set_text_shaping(True)
            except Exception:  # no HarfBuzz: letters print, unjoined
                self.shaped = False
            else:
                self.shaped = True
            self.family = "body"
        else:
            self.family, self.shaped = "helvetica", False
        self.missing = False

    def text(self, value: str) -> str:
        value = clean(value or "")
        if self.unicode:
            return value if rtl_first(value) else _isolated(value)
        latin = value.encode("latin-1", "replace").decode("latin-1")
        self.missing = self.missing or latin != value
        return latin

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)

    def cell(self, width: float, height: float, value: str, *, align: str = "L",
             bold: bool = False, size: float = 9, border: int | str = 0, fill: bool = False,
             last: bool = False) -> None:  # fmt: skip
        self.font(size, bold)
        if align == "L" and rtl_first(value or ""):
            align = "R"
        self.pdf.cell(width, height, self.text(value), border=border, align=align, fill=fill,
                      new_x="LMARGIN" if last else "RIGHT", new_y="NEXT" if last else "TOP")  # fmt: skip

    def paragraph(self, value: str, size: float = 9) -> None:
        self.font(size)
        for line in (value or "").splitlines() or [""]:
            self.pdf.multi_cell(0, 4.6, self.text(line), align="R" if rtl_first(line) else "L",
                                new_x="LMARGIN", new_y="NEXT")  # fmt: skip


def render(printed: Printed, settings: dict) -> tuple[bytes, list[str]]:
    """The PDF's bytes, and what could not be printed as asked (no font
    with the document's letters, no shaping)."""
    sheet = _Sheet(fonts(settings))
    pdf = sheet.pdf

    def footer() -> None:
        pdf.set_y(-12)
        sheet.cell(0, 5, f"{printed.title} · page {pdf.page_no()} of {{nb}}", align="C", size=7)

    pdf.footer = footer
    pdf.add_page()
    pdf.set_margins(15, 15, 15)
    if printed.logo_text:
        sheet.cell(0, 9, printed.logo_text, align="R", bold=True, size=18, last=True)
    if printed.company:
        sheet.cell(0, 6, printed.company, bold=True, size=12, last=True)
    for line in printed.company_lines:
        sheet.cell(0, 4.5, line, size=8, last=True)
    pdf.ln(6)
    sheet.cell(0, 9, printed.title, bold=True, size=17, last=True)
    if printed.name:
        sheet.cell(0, 6, printed.name, size=11, last=True)
    pdf.ln(3)
    top = pdf.get_y()
    sheet.cell(95, 5, "Bill to", bold=True, size=8, last=True)
    for line in printed.customer:
        sheet.cell(95, 5, line, size=9, last=True)
    left_end = pdf.get_y()
    pdf.set_y(top)
    for label, value in printed.facts:
        pdf.set_x(120)
        sheet.cell(30, 5, label, size=8)
        sheet.cell(45, 5, value, align="R", size=9, last=True)
    pdf.set_y(max(left_end, pdf.get_y()) + 6)
    pdf.set_fill_color(235, 235, 235)
    for index, (heading, width) in enumerate(zip(HEADINGS, WIDTHS, strict=True)):
        sheet.cell(width, 6, heading, align="L" if index in (0, 1) else "R", bold=True,
                   size=8, border="B", fill=True, last=index == len(WIDTHS) - 1)  # fmt: skip
    for row in printed.lines:
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        for index, (value, width) in enumerate(zip(row, WIDTHS, strict=True)):
            shown = _fit(sheet, value, width - 1) if index == 1 else value
            sheet.cell(width, 5.5, shown, align="L" if index in (0, 1) else "R", size=8.5,
                       border="B", last=index == len(WIDTHS) - 1)  # fmt: skip
    if not printed.lines:
        sheet.cell(0, 6, "No lines.", size=8.5, last=True)
    pdf.ln(3)
    for label, amount, bold in printed.totals:
        pdf.set_x(110)
        sheet.cell(45, 6, label, align="R", bold=bold, size=9.5 if bold else 9)
        sheet.cell(40, 6, amount, align="R", bold=bold, size=9.5 if bold else 9, last=True)
    for heading, body in (("Description", printed.description), ("Terms", printed.terms)):
        if body.strip():
            pdf.ln(5)
            sheet.cell(0, 5, heading, bold=True, size=9, last=True)
            sheet.paragraph(body)
    said = []
    if not sheet.unicode:
        said.append("no font with Persian and Arabic letters was found: the PDF uses "
                    "Helvetica" + (" and some letters printed as ?" if sheet.missing else "")
                    + "; name one in config.toml ([documents] font)")  # fmt: skip
    elif not sheet.shaped:
        said.append("HarfBuzz is missing: Persian and Arabic letters print unjoined")
    return bytes(pdf.output()), said


def _fit(sheet: _Sheet, value: str, width: float) -> str:
    """A product's name cut with … to its column."""
    sheet.font(8.5)
    text = value
    while text and sheet.pdf.get_string_width(sheet.text(text)) > width:
        text = text[:-2] + "…" if len(text) > 2 else ""
    return text
