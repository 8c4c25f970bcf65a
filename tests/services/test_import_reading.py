"""Reading the files people import: the encoding and delimiter are found and
said, quoted newlines stay in their cell, rows keep the numbers a
spreadsheet shows, and no row is ever lost or cut short silently."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.errors import ValidationError
from crm_tui.services.imports import reading

DATA = Path(__file__).parent.parent / "data" / "imports"


def read(name: str):
    sniffed = reading.sniff(DATA / name)
    return sniffed, list(reading.rows(DATA / name, sniffed))


def test_a_dynamics_export_with_its_byte_order_mark_and_a_newline_in_a_cell():
    sniffed, rows = read("dynamics_contacts.csv")
    assert sniffed.describe() == "UTF-8 with a byte-order mark, comma-separated"
    assert sniffed.headers[0] == "(Do Not Modify) Contact"  # no mark stuck to the first header
    assert [r.number for r in rows] == [2, 3, 4]
    assert rows[0].cells["Description"] == "Met at the fair.\r\nWants samples."
    assert rows[0].cells["Address 1: City"] == "تهران"
    assert rows[2].cells["Description"] == 'تماس "فوری"'
    assert all(not r.problem for r in rows)


def test_an_outlook_export_in_windows_1252():
    sniffed, rows = read("outlook_contacts.csv")
    assert sniffed.encoding == "cp1252"
    assert (rows[0].cells["First Name"], rows[0].cells["Company"]) == (
        "Jürgen",
        "Müller & Söhne GmbH",
    )
    assert rows[1].cells["First Name"] == "Zoë"


def test_a_persian_file_in_windows_1256_with_semicolons():
    sniffed, rows = read("persian_contacts_cp1256.csv")
    assert sniffed.describe() == "Windows-1256 (Arabic and Persian), semicolon-separated"
    assert sniffed.headers[0] == "نام"
    assert rows[0].cells["شهر"] == "تهران"
    # the code page has only the Arabic forms of yeh and kaf: read as written
    assert rows[1].cells["تاريخ ثبت"] == "1403/06/01"


def test_excels_unicode_text_is_utf_16_and_tab_separated():
    sniffed, rows = read("excel_unicode_text.txt")
    assert (sniffed.encoding, sniffed.delimiter) == ("utf-16", "\t")
    assert rows[1].cells["Contact"] == "山田 太郎"
    assert rows[0].cells["Revenue"] == "1 250 000,50"  # as typed: reading coerces nothing


def test_google_contacts_with_unix_line_ends():
    sniffed, rows = read("google_contacts.csv")
    assert sniffed.describe() == "UTF-8, comma-separated"
    assert rows[0].cells["Notes"] == "Line one\nline two"
    assert rows[1].number == 3


def test_blank_rows_are_passed_over_and_keep_the_numbering():
    _, rows = read("salesforce_leads.csv")
    assert [r.number for r in rows] == [2, 3, 4, 6]
    assert rows[3].cells["Annual Revenue"] == "=1+2"  # kept as typed; writing decides


def test_a_row_longer_than_the_header_says_so_and_a_short_one_is_filled():
    sniffed, rows = read("ragged.csv")
    assert sniffed.headers == ("name", "city")
    assert [(r.number, r.cells, r.problem) for r in rows] == [
        (2, {"name": "Acme", "city": "Leeds"}, ""),
        (3, {"name": "Beta", "city": "York"}, "4 cells, but the header has 2"),
        (4, {"name": "Cora", "city": ""}, ""),
    ]


def test_headers_empty_or_repeated_keep_their_own_columns(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Name,,Name\r\nA,B,C\r\n", encoding="utf-8")
    sniffed = reading.sniff(path)
    assert sniffed.headers == ("Name", "column 2", "Name (2)")
    assert next(reading.rows(path, sniffed)).cells == {
        "Name": "A",
        "column 2": "B",
        "Name (2)": "C",
    }


def test_what_is_not_a_table_is_refused_in_one_line(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError, match="empty"):
        reading.sniff(empty)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(ValidationError, match="not a text table"):
        reading.sniff(binary)


def test_a_byte_the_encoding_cannot_read_marks_its_row(tmp_path):
    path = tmp_path / "mixed.csv"
    # Windows-1252, with one byte that code page leaves undefined
    path.write_bytes("name,city\r\nZoë,Köln\r\n".encode("cp1252") + b"Bad\x81,x\r\n")
    sniffed = reading.sniff(path)
    rows = list(reading.rows(path, sniffed))
    assert sniffed.encoding == "cp1252"
    assert [r.problem for r in rows] == [
        "",
        "a byte Windows-1252 (Western European) cannot read",
    ]


_CELL = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"),
        whitelist_characters="\n",
    ),
    max_size=12,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(
        st.text(alphabet="abcdefghij", min_size=1, max_size=6), min_size=1, max_size=5, unique=True
    ),  # fmt: skip
    body=st.lists(st.lists(_CELL, min_size=5, max_size=5), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_every_row_written_is_read_back_whole(tmp_path, header, body, delimiter, encoding):
    width = len(header)
    body = [row[:width] for row in body if any(cell.strip() for cell in row[:width])]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerows([header, *body])
    path = tmp_path / f"round-{delimiter == ','}-{encoding}.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    sniffed = reading.sniff(path)
    assert sniffed.headers == tuple(header)
    read = list(reading.rows(path, sniffed))
    assert [list(r.cells.values()) for r in read] == body
    assert [r.number for r in read] == list(range(2, 2 + len(body)))
