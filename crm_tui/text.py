"""Text safety and search normalisation.

User text is data, never markup: everything a person typed goes through
`clean()` on the way in and is rendered through `safe()` on the way out.
Search folds Persian and Arabic spellings together so that either keyboard
finds the record.
"""

from __future__ import annotations

import re
import unicodedata

from rich.text import Text

# ESC-introduced sequences (CSI, OSC, DCS and friends) are removed whole so
# that no trailing parameters survive as visible junk.
_ESCAPE_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]"  # other escapes: ESC 7, ESC c, ESC ( B ...
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)
# C0 except tab and newline, DEL, C1, and the bidi overrides/isolates that can
# reorder what a person sees. ZWNJ (U+200C) and ZWJ stay: Persian needs them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")

_SINGLE_LINE_WS = re.compile(r"[\t\n]+")


def clean(value: str | None, *, multiline: bool = False) -> str:
    """Strip terminal escapes and control characters from user text.

    Single-line fields also fold tabs and newlines into a space; all fields
    are trimmed at both ends.
    """
    if value is None:
        return ""
    text = _ESCAPE_SEQ.sub("", str(value))
    # \r is a line break (old files, terminal pastes): turn it into \n
    # before control characters go, or the lines would run together.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = _SINGLE_LINE_WS.sub(" ", text)
    return text.strip()


def safe(value: object, style: str = "") -> Text:
    """A rich Text that shows `value` literally: no markup is parsed."""
    text = "" if value is None else str(value)
    return Text(clean(text, multiline=True), style=style, no_wrap=False)


def safe_line(value: object, style: str = "") -> Text:
    """Like `safe` but on one line, for table cells and titles."""
    text = "" if value is None else str(value)
    return Text(clean(text), style=style, no_wrap=True, overflow="ellipsis")


# --- search normalisation -------------------------------------------------

_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # alef maksura -> Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0640": None,  # tatweel
        "\u200c": None,  # ZWNJ: people type compounds with or without it
        "\u200d": None,
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        # Arabic diacritics (fathatan .. sukun, superscript alef, and friends),
        # dropped in the same pass rather than a character at a time
        **dict.fromkeys(map(chr, range(0x064B, 0x0660))),
        "\u0670": None,
        **dict.fromkeys(map(chr, range(0x06D6, 0x06EE))),
    }
)


def normalize(value: str | None) -> str:
    """Fold text for search: letters, digits and case compare equal across
    Arabic and Persian spellings, diacritics and tatweel are dropped."""
    if not value:
        return ""
    text = clean(value, multiline=True)
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    # Dropping marks and joiners can leave a pair that composes, or bare
    # space at an end; normalise again so that normalize is idempotent.
    return unicodedata.normalize("NFKC", text.casefold()).strip()


_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(value: str | None) -> list[str]:
    """The words of `value` after normalisation, as FTS5 would see them."""
    return _TOKEN.findall(normalize(value))


def fts_prefix_query(value: str | None) -> str | None:
    """Turn what a person typed into an FTS5 query: every word must match,
    the last as a prefix (they are still typing). None when nothing to search."""
    words = tokens(value)
    if not words:
        return None
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def sort_key(value: str | None) -> str:
    """The key a name sorts by in lists: folded, so Persian and Latin names
    with the same spelling variants sort together."""
    return " ".join(tokens(value))


def yes_no(raw) -> int | None:
    """1 or 0 for a yes or no given as a bool, 0/1 or typed (yes, y, true,
    no ...); None when it is neither."""
    if isinstance(raw, bool | int):
        return int(bool(raw)) if raw in (0, 1) else None
    typed = str(raw).strip().lower()
    if typed in ("yes", "y", "true", "1"):
        return 1
    if typed in ("no", "n", "false", "0"):
        return 0
    return None
