"""Text safety (clean) and search normalisation (normalize, fts_prefix_query)."""

from __future__ import annotations

import apsw
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crm_tui.db.migrations import m0002_search
from crm_tui.text import clean, fts_prefix_query, normalize, safe, safe_line, sort_key, tokens

ESC = "\x1b"
C1 = {chr(c) for c in range(0x80, 0xA0)}
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
ZWNJ = "\u200c"

# --- clean ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),  # SGR colour
        ("a\x1b[2J\x1b[Hb", "ab"),  # clear screen, cursor home
        ("a\x1b[38;5;196mb", "ab"),  # parameters with ';'
        ("a\x1b[?1049hb", "ab"),  # private mode (alternate screen)
        ("x\x1b]0;owned title\x07y", "xy"),  # OSC terminated by BEL
        ("x\x1b]0;owned title\x1b\\y", "xy"),  # OSC terminated by ST
        ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x1b7b\x1b8c", "abc"),  # two-byte escapes (save/restore cursor)
        ("a\x9b31mb", "ab"),  # 8-bit CSI
        ("a\x9d0;title\x9cb", "ab"),  # 8-bit OSC
        ("unterminated \x1b[", "unterminated"),
        ("a\x1bcb", "ab"),  # RIS (full reset)
        ("a\x1b(Bb", "ab"),  # charset designation
        ("trailing esc\x1b", "trailing esc"),
    ],
)
def test_clean_removes_escape_sequences(raw, expected):
    assert clean(raw) == expected


def test_clean_removes_c0_except_tab_and_newline_in_multiline():
    c0 = "".join(chr(c) for c in range(0x20) if c != 0x0D) + "\x7f"
    out = clean(f"a{c0}b", multiline=True)
    assert out == "a\t\nb"
    # \r is a line break: kept as \n in multiline text
    assert clean("one\r\ntwo\rthree", multiline=True) == "one\ntwo\nthree"
    assert clean("a\rb") == "a b"
    assert clean("x\x00y\x07z\x08w", multiline=True) == "xyzw"


def test_clean_removes_every_c1_character():
    # \x9b and \x9d introduce 8-bit sequences; give them a terminator-free tail
    for ch in sorted(C1 - {"\x9b", "\x9d"}):
        assert clean(f"a{ch}b") == "ab", repr(ch)
        assert clean(f"a{ch}b", multiline=True) == "ab", repr(ch)


@pytest.mark.parametrize("ch", BIDI + ["\u200e", "\u200f"])
def test_clean_removes_bidi_overrides_and_isolates(ch):
    assert clean(f"abc{ch}def") == "abcdef"


def test_clean_keeps_zwnj_and_persian_text():
    persian = f"می{ZWNJ}خواهم"
    assert clean(persian) == persian
    assert clean(f"\u202e{persian}\u202c") == persian
    assert ZWNJ in clean(f"a{ZWNJ}b", multiline=True)


def test_single_line_folds_tabs_and_newlines_into_one_space():
    assert clean("Acme\tCorp\n\nLtd") == "Acme Corp Ltd"
    assert clean("  padded  ") == "padded"
    assert clean("a\r\nb") == "a b"
    assert clean(None) == ""
    assert clean(42) == "42"


def test_multiline_keeps_line_structure_but_trims_ends():
    assert clean("  line one\n\tline two\n  ", multiline=True) == "line one\n\tline two"


def test_safe_renders_markup_literally():
    text = safe("[bold]x[/] [@click=app.quit]quit[/]\x1b[31m")
    assert text.plain == "[bold]x[/] [@click=app.quit]quit[/]"
    assert text.spans == []
    line = safe_line("a\nb[/]")
    assert line.plain == "a b[/]"


# --- normalize ----------------------------------------------------------------


def test_normalize_folds_arabic_letters_to_persian():
    assert normalize("\u064a") == "\u06cc"  # ي -> ی
    assert normalize("\u0643") == "\u06a9"  # ك -> ک
    assert normalize("\u0649") == "\u06cc"  # ى -> ی
    assert normalize("علي كريمي") == normalize("علی کریمی") == "علی کریمی"


def test_normalize_removes_harakat_and_tatweel():
    assert normalize("مُحَمَّد") == "محمد"
    assert normalize("كتـــاب") == "کتاب"
    assert normalize("رحمٰن") == "رحمن"  # superscript alef
    assert normalize("سلامٌ") == "سلام"


def test_normalize_maps_persian_and_arabic_digits_to_ascii():
    assert normalize("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalize("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalize("تلفن ۰۹۱۲ ٣٤٥") == "تلفن 0912 345"


def test_normalize_casefolds_and_handles_empty():
    assert normalize("Straße CONTOSO") == "strasse contoso"
    assert normalize("") == ""
    assert normalize(None) == ""


def test_normalize_strips_control_characters_too():
    assert normalize("\x1b[31mAcme\u202e") == "acme"


def test_tokens_and_sort_key():
    assert tokens("Acme, Inc. — Ltd") == ["acme", "inc", "ltd"]
    assert sort_key("  Zeta   Corp ") == "zeta corp"
    assert sort_key("علي") == sort_key("علی")


# --- fts_prefix_query ---------------------------------------------------------


@pytest.fixture(scope="module")
def fts():
    """An FTS5 table defined exactly like the app's index."""
    conn = apsw.Connection(":memory:")
    conn.execute(m0002_search.STATEMENTS[0].replace("account_fts", "t"))
    rows = [
        (1, "contoso ltd", "london"),
        (2, 'he said "hi"', ""),
        (3, "or near and not", ""),
        (4, "کریمی", "0912"),
    ]
    for rowid, name, details in rows:
        conn.execute(
            "INSERT INTO t (rowid, name, details) VALUES (?, ?, ?)",
            (rowid, normalize(name), normalize(details)),
        )
    yield conn
    conn.close()


def match(conn, typed: str) -> list[int]:
    q = fts_prefix_query(typed)
    if q is None:
        return []
    return [r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (q,))]


def test_prefix_query_quotes_words_and_stars_the_last():
    assert fts_prefix_query("cont") == '"cont"*'
    assert fts_prefix_query("Contoso Lon") == '"contoso" "lon"*'
    assert fts_prefix_query("") is None
    assert fts_prefix_query(None) is None
    assert fts_prefix_query("   ") is None


@pytest.mark.parametrize(
    "typed",
    ['he said "hi', '"', "*", '"*', "OR", "NEAR", "AND", "NOT", "a OR b", "NEAR(a b)", "x*",
     "-x", "^a", "a:b", "name:contoso", "(", ")", "{name}: x", "'", "a\"b", "+", "\\"],
)  # fmt: skip
def test_prefix_query_is_always_valid_fts(fts, typed):
    match(fts, typed)  # raises apsw.SQLError on an invalid query


def test_prefix_query_keywords_are_searched_as_words(fts):
    assert match(fts, "OR") == [3]
    assert match(fts, "near") == [3]
    assert match(fts, 'said "h') == [2]
    assert match(fts, "cont") == [1]
    assert match(fts, "contoso lon") == [1]
    assert match(fts, "كريمي") == [4]  # typed with Arabic letters
    assert match(fts, "۰۹۱") == [4]  # Persian digits
    assert match(fts, "*") == []
    assert match(fts, '"') == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_prefix_query_never_invalid(fts, typed):
    match(fts, typed)


# --- properties ----------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_normalize_is_idempotent(value):
    once = normalize(value)
    assert normalize(once) == once


# What the folding drops (ZWNJ, ZWJ, tatweel, harakat) can sit between a base
# letter and a combining mark, or two jamo, that compose once it is gone: only
# the final NFKC pass makes normalize idempotent there.
FOLD_SOUP = st.text(
    alphabet=st.one_of(
        st.sampled_from(["e", "a", "o", "A", "i", "\u0131", "\u0130", "s", "\u017f", " ", "\u00a0",
                         "\t", "\n", ZWNJ, "\u200d", "\u0640", "\u064e", "\u0650", "\u0670",
                         "\u1100", "\u1161", "\u11a8", "\ufb01", "\uff21", ESC, "[", "m"]),
        st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # combining marks
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic and Persian
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),  # presentation forms A
        st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFC),  # presentation forms B
        st.characters(categories=["Mn", "Mc", "Me"]),
    ),
    max_size=24,
)  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("e\u200c\u0301", "\u00e9"),  # ZWNJ dropped: e + acute compose
        ("e\u200d\u0301", "\u00e9"),  # ZWJ likewise
        ("e\u0640\u0301", "\u00e9"),  # tatweel
        ("e\u064e\u0301", "\u00e9"),  # a harakah
        ("\u1100\u200c\u1161", "\uac00"),  # Hangul jamo compose to a syllable
        ("E\u200c\u0301", "\u00e9"),  # casefolded and composed
    ],
)
def test_normalize_composes_what_folding_brings_together(raw, expected):
    assert normalize(raw) == expected
    assert normalize(expected) == expected


@settings(max_examples=1000, deadline=None)
@given(FOLD_SOUP)
@example("e\u200c\u0301")
@example("\u1100\u200c\u1161")
@example("\u0643\u200c\u064a\u0651 e\u0640\u0301")
def test_normalize_is_idempotent_around_marks_joiners_and_persian(value):
    once = normalize(value)
    assert normalize(once) == once
    assert tokens(once) == tokens(value)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_clean_never_leaves_escape_or_c1(value):
    for multiline in (False, True):
        out = clean(value, multiline=multiline)
        assert ESC not in out
        assert not (set(out) & C1)
        assert not (set(out) & set(BIDI))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([ESC, "[", "]", "\\", "\x07", "\x9b", "\x9c", "\x9d",
                                         "P", "0", ";", "m", "a", "\n", "\t"])))  # fmt: skip
def test_clean_on_escape_soup(value):
    out = clean(value, multiline=True)
    assert ESC not in out and not (set(out) & C1)


# (arabic spelling, persian spelling) of the same unit of text
SAME_LETTERS = [(ch, ch) for ch in "ابپتثجچحخدذرزژسشصضطظعغفقگلمنوه"]
LETTER_PAIRS = [("\u064a", "\u06cc"), ("\u0643", "\u06a9"), ("\u0649", "\u06cc")]
DIGITS = [(chr(0x0660 + d), chr(0x06F0 + d)) for d in range(10)] + [
    (chr(0x0660 + d), str(d)) for d in range(10)
]
HARAKAT = [(chr(c), "") for c in range(0x064B, 0x0653)] + [("\u0670", "")]
EXTRAS = [("\u0640", ""), ("", ZWNJ), (" ", " ")]

unit = st.sampled_from(SAME_LETTERS + LETTER_PAIRS + DIGITS + HARAKAT + EXTRAS)


@settings(max_examples=500, deadline=None)
@given(st.lists(unit, max_size=30))
def test_arabic_and_persian_spellings_normalize_equal(units):
    arabic = "".join(a for a, _ in units)
    persian = "".join(p for _, p in units)
    assert normalize(arabic) == normalize(persian)
    assert fts_prefix_query(arabic) == fts_prefix_query(persian)
