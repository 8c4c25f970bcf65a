"""A CSV file as exported by another CRM, a spreadsheet or an address book:
its encoding (UTF-8 with or without a byte-order mark, UTF-16, Windows-1252
or Windows-1256) and dialect (comma, semicolon, tab or bar; quoted cells
holding newlines) are found rather than asked, and said back to the person,
and its rows are streamed, never read whole, each with the row number a
spreadsheet shows (the header is row 1)."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crm_tui.errors import ValidationError

# Read to find the dialect and the encoding's hints; the whole file is still
# checked as UTF-8 before it is taken to be UTF-8.
SAMPLE_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
DELIMITERS = ",;\t|"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 with a byte-order mark",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 (little-endian, no byte-order mark)",
    "utf-16-be": "UTF-16 (big-endian, no byte-order mark)",
    "cp1256": "Windows-1256 (Arabic and Persian)",
    "cp1252": "Windows-1252 (Western European)",
}
# Three Arabic-script letters in a row: words, not stray accented letters.
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]{3,}")


@dataclass(frozen=True)
class Sniffed:
    """How a file is read: its encoding, delimiter and header cells."""

    encoding: str
    delimiter: str
    headers: tuple[str, ...]

    def describe(self) -> str:
        """In words, for the person to check: "UTF-8, semicolon-separated"."""
        return f"{_ENCODING_NAMES[self.encoding]}, {_DELIMITER_NAMES[self.delimiter]}-separated"


@dataclass(frozen=True)
class Row:
    """One data row: its number as a spreadsheet shows it, and its cells by header."""

    number: int
    cells: dict[str, str]
    # why the row cannot be read as the header says ("" when it can)
    problem: str = ""


def encoding_of(path: Path) -> str:
    """The file's encoding (one of _ENCODING_NAMES)."""
    with path.open("rb") as f:
        head = f.read(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without its mark: text of ASCII letters has a NUL in every other byte
    if len(head) >= 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
    if _is_utf8(path):
        return "utf-8"
    text = head.decode("cp1256", errors="replace")
    return "cp1256" if _ARABIC_WORD.search(text) else "cp1252"


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    # the sniffer gives up on one-column files and ragged samples: the
    # header line's most frequent candidate outside quotes decides
    first = re.sub(r'"[^"]*"', "", sample.split("\n", 1)[0])
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def headers_of(cells: list[str]) -> tuple[str, ...]:
    """The header row's cells, named: an empty one by its column, a repeated
    one numbered, so that every cell keeps its own place."""
    out: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = cell.strip().strip("\ufeff") or f"column {index}"
        base, n = name, 2
        while name in out:
            name, n = f"{base} ({n})", n + 1
        out.append(name)
    return tuple(out)


def sniff(path: Path | str) -> Sniffed:
    """How to read `path`; ValidationError (under "file") when it is not a
    table a person could mean: empty, or binary."""
    path = Path(path)
    encoding = encoding_of(path)
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        sample = f.read(SAMPLE_BYTES // 2)
    if not sample.strip():
        raise ValidationError({"file": f"{path.name} is empty"})
    if "\x00" in sample:
        raise ValidationError({"file": f"{path.name} is not a text table (CSV)"})
    delimiter = _delimiter(sample)
    header = next(csv.reader(sample.splitlines(keepends=True), delimiter=delimiter), [])
    if not any(cell.strip() for cell in header):
        raise ValidationError({"file": f"{path.name} has no header row"})
    return Sniffed(encoding, delimiter, headers_of(header))


def rows(path: Path | str, sniffed: Sniffed) -> Iterator[Row]:
    """The data rows of `path`, read as `sniffed` says, one at a time.

    Blank lines are passed over; a row with more cells than the header has
    is returned with its `problem` (never cut short), one with fewer has the
    missing cells empty. A byte the encoding cannot read becomes U+FFFD and
    the row says so, rather than the import stopping."""
    path = Path(path)
    width = len(sniffed.headers)
    with path.open(encoding=sniffed.encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=sniffed.delimiter)
        next(reader, None)  # the header
        number = 1
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            problem = ""
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problem = f"{len(cells)} cells, but the header has {width}"
            if any("\ufffd" in cell for cell in cells):
                problem = problem or f"a byte {_ENCODING_NAMES[sniffed.encoding]} cannot read"
            padded = [*cells[:width], *([""] * (width - len(cells)))]
            yield Row(number, dict(zip(sniffed.headers, padded, strict=True)), problem)
