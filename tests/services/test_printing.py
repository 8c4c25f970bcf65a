"""Quotes, orders and invoices printed to PDF: the file read back says what
the document's page says (lines, discounts, taxes, totals in the same
words), Persian text is there as written, an existing file is never
overwritten, and a PDF sent by email reaches the server as an attachment."""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from crm_tui import display, printing
from crm_tui.db import dict_rows
from crm_tui.errors import NotFound, ValidationError
from crm_tui.printing import document, pdf
from crm_tui.services import session
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.marketing.mail import sender
from crm_tui.services.sales import lines, quotes

sys.path.insert(0, str(Path(__file__).parents[1]))
from sales_support import catalogue  # noqa: E402
from smtp_server import SmtpServer  # noqa: E402


def words(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


@pytest.fixture
def quote(db):
    cat = catalogue()
    persian = accounts.create({"name": "فن‌آوران پارس", "city": "Tehran", "street": "Vali-Asr 12"})
    buyer = contacts.create({"first_name": "Sara", "last_name": "Ahmadi", "account_id": persian.id,
                             "email": "sara@x.example"})  # fmt: skip
    q = quotes.create({"name": "Fit-out", "account_id": persian.id, "contact_id": buyer.id,
                       "price_list_id": cat.price_list_id})  # fmt: skip
    q = lines.add_line("quote", q.id, q.version, {"product_id": cat.widget_id, "quantity": "3",
                                                  "discount": "10%", "tax_percent": "20"})  # fmt: skip
    q = lines.add_line("quote", q.id, q.version, {"product_id": None, "unit_price": "1200.5",
                                                  "description": "نصب و راه‌اندازی"})  # fmt: skip
    return quotes.update(q.id, q.version, {"discount": "50"})


def test_a_printed_quote_says_what_its_page_says(quote):
    session.settings().documents = {"company": "Contoso Ltd", "terms": "Net 30.",
                                    "address": "1 Main St\nLeeds"}  # fmt: skip
    title, content, said = printing.pdf_of("quote", quote.id)
    assert said == []  # the system's DejaVu Sans and HarfBuzz are there
    text = words(content)
    assert title == "Quote QUO-00001-R1" and title in text
    for shown in ("Contoso Ltd", "Leeds", "Net 30.", "Fit-out", "Bill to", "Sara Ahmadi",
                  "1 W-1 Widget 3 9.50 10% 20% 30.78", "1,200.50",
                  display.money(quote.subtotal), "−" + display.money(quote.discount_total),
                  display.money(quote.tax_total), display.money(quote.total_amount, "USD")):  # fmt: skip
        assert shown in text, shown
    # Persian text is in the file as written (shaped glyphs map back to it)
    assert "پارس" in text and "نصب" in text
    assert display.money(quote.total_amount, "USD") == "1,181.28 USD"


def test_found_by_number_and_revision_and_never_over_a_file(quote, tmp_path):
    assert document.find("quote", "QUO-00001-R1") == quote.id
    assert document.find("quote", "quo-00001") == quote.id
    with pytest.raises(NotFound):
        document.find("quote", "QUO-00001-R7")
    with pytest.raises(ValidationError):
        document.find("contact", "C-1")
    path, _ = printing.to_file("quote", quote.id, str(tmp_path))
    assert Path(path).name == "Quote-QUO-00001-R1.pdf"
    assert Path(path).stat().st_mode & 0o777 == 0o600
    assert "Fit-out" in words(Path(path).read_bytes())
    with pytest.raises(ValidationError, match="exists"):
        printing.to_file("quote", quote.id, path)


def test_without_a_unicode_font_latin_prints_and_it_is_said(quote, tmp_path):
    session.settings().documents = {"font": str(tmp_path / "missing.ttf")}
    with pytest.raises(ValidationError, match="is not a file"):
        printing.pdf_of("quote", quote.id)
    printed = document.gather("quote", quote.id)
    sheet = pdf._Sheet(None)
    assert sheet.text("فن‌آوران Tehran").endswith("Tehran") and sheet.missing
    content, said = pdf.render(printed, {})  # the system's font again
    assert said == [] and "Fit-out" in words(content)


def test_a_quote_emailed_with_its_pdf_attached(quote):
    server = SmtpServer().start()
    try:
        session.settings().mail = server.settings()
        activity_id = printing.email(
            "quote", quote.id, "sara@x.example", "", "Please see attached."
        )
        (message,) = dict_rows("SELECT state, to_address FROM mail_message")
        assert message == {"state": "queued", "to_address": "sara@x.example"}
        assert sender.run().sent == 1
        (received,) = server.handler.received
        assert received.message["Subject"] == "Quote QUO-00001-R1"
        (attached,) = list(received.message.iter_attachments())
        assert attached.get_filename() == "Quote-QUO-00001-R1.pdf"
        assert "Fit-out" in words(attached.get_content())
        (row,) = dict_rows("SELECT state, regarding_type FROM activity WHERE id = ?", [activity_id])
        assert row == {"state": "completed", "regarding_type": "quote"}
        with pytest.raises(ValidationError):
            printing.email("quote", quote.id, "nobody", "", "")
    finally:
        server.stop()
