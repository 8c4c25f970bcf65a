"""Knowledge-base search syntax (kb_query): parsing, the FTS5 expression
checked against a real FTS5 table, and highlights/snippets."""

from __future__ import annotations

import apsw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_tui.services.knowledge.kb_query import (
    Query,
    Term,
    highlights,
    match_expression,
    parse,
    snippet,
    to_fts,
)
from crm_tui.text import normalize

# The app indexes normalised text with this tokenizer (m0007_knowledge).
CORPUS = {
    1: ("Printer paper jam", "printer, jam", "When the printer reports a paper jam, open tray 2."),
    2: ("Scanner setup", "scanner", "Install the scanner driver. Paper size: A4."),
    3: ("Toner low warning", "toner", "The printers show toner low; replace the cartridge."),
    4: ("Paper tray", "tray", "Clear a jam in the tray."),
    5: ("راهنمای چاپگر", "چاپگر، کاغذ", "کاغذ در چاپگر گیر کرده است. کد خطا ۴۲"),
    6: ("ما می‌خواهیم چاپ کنیم", "", "Email setup: the e-mail account and title:foo"),
}


@pytest.fixture(scope="module")
def fts():
    conn = apsw.Connection(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, keywords, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    for rowid, columns in CORPUS.items():
        conn.execute(
            "INSERT INTO t (rowid, title, keywords, body) VALUES (?, ?, ?, ?)",
            (rowid, *(normalize(c) for c in columns)),
        )
    yield conn
    conn.close()


def search(conn, typed):
    expression = match_expression(typed)
    if expression is None:
        return set()
    return {row[0] for row in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,))}


# --- parse and to_fts ----------------------------------------------------------


def test_parse_reads_words_phrases_prefixes_exclusions_and_or():
    query = parse('printer OR scanner -paper "toner low" driv*')
    assert query.groups == (
        (Term(("printer",)), Term(("scanner",))),
        (Term(("paper",), negated=True),),
        (Term(("toner", "low")),),
        (Term(("driv",), prefix=True),),
    )
    assert query.positive
    assert to_fts(query) == ('(("printer" OR "scanner") AND "toner low" AND "driv"*) NOT "paper"')


def test_lowercase_or_is_a_word():
    assert match_expression("printer or scanner") == '"printer" AND "or" AND "scanner"'


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (None, None),
        ("", None),
        ("   \t ", None),
        ("-", None),
        ("- -- -", None),
        ("*", None),
        ("** * -*", None),
        ('""', None),
        ('"', None),
        ("-printer", None),  # exclusions alone cannot be searched
        ('-"paper jam"', None),
        ("OR", None),
        ("OR OR", None),
        ("()", None),
        ("___", None),
        # an unclosed quote makes the rest a phrase
        ('"paper ja', '"paper ja"'),
        ('printer "paper jam', '"printer" AND "paper jam"'),
        ('"paper ja*', '"paper ja"*'),
        ('"paper ja"*', '"paper ja"*'),
        ('-"paper jam', None),
        # OR at the ends, doubled, or around something dropped
        ("OR printer", '"printer"'),
        ("printer OR", '"printer"'),
        ("printer OR OR scanner", '("printer" OR "scanner")'),
        ("printer OR * OR scanner", '("printer" OR "scanner")'),
        ("a OR b OR c d", '("a" OR "b" OR "c") AND "d"'),
        ("a OR a", '"a"'),
        # OR next to an exclusion is ignored: NOT cannot be an alternative
        ("printer OR -paper", '"printer" NOT "paper"'),
        ("-paper OR printer", '"printer" NOT "paper"'),
        ("printer -paper -toner", '"printer" NOT "paper" NOT "toner"'),
        ("printer -- paper", '"printer" AND "paper"'),
        ("printer --paper", '"printer" NOT "paper"'),
        ("-OR printer", '"printer" NOT "or"'),
        ('"OR"', '"or"'),
        # FTS5 syntax typed literally is text
        ("NEAR AND NOT", '"near" AND "and" AND "not"'),
        ("NEAR(a b, 3)", '"near a" AND "b" AND "3"'),
        ("title:foo", '"title foo"'),
        ("{title body}: printer", '"title" AND "body" AND "printer"'),
        ("^printer", '"printer"'),
        ("(printer)", '"printer"'),
        ("(print* OR scan*)", '("print"* OR "scan"*)'),
        ("pr*nt", '"pr nt"'),
        ("*print", '"print"'),
        ("print**", '"print"*'),
        ("e-mail", '"e mail"'),
        ("foo_bar", '"foo bar"'),
        ("3.5", '"3 5"'),
        ("printer-", '"printer"'),
        ('say "it""s"', '"say" AND "it" AND "s"'),
        ("Printer\x1b[31m \x00JAM\u202e", '"printer" AND "jam"'),
        # curly quotes and guillemets delimit phrases too
        ("\u201cpaper jam\u201d", '"paper jam"'),
        ("«چاپگر لیزری»", '"چاپگر لیزری"'),
    ],
)
def test_malformed_and_literal_input(typed, expected):
    assert match_expression(typed) == expected


def test_to_fts_is_defensive_about_hand_built_terms():
    query = Query(
        (
            (Term(('Pa"per', "")), Term(()), Term(("-",), prefix=True)),
            (Term(("jam",), negated=True), Term(("Tray",))),
        )
    )
    assert to_fts(query) == '("pa per" AND "tray") NOT "jam"'
    assert to_fts(Query()) is None
    assert not Query().positive
    assert not Query(((Term(("x",), negated=True),),)).positive


# --- against a real FTS5 table -------------------------------------------------


def test_words_match_anywhere_but_a_phrase_in_order(fts):
    assert search(fts, "paper jam") == {1, 4}
    assert search(fts, '"paper jam"') == {1}
    assert search(fts, '"jam paper"') == set()


def test_prefix(fts):
    assert search(fts, "scan*") == {2}
    assert search(fts, "scan") == set()
    assert search(fts, "print*") == {1, 3}


def test_exclusion(fts):
    assert search(fts, "paper -scanner") == {1, 4}
    assert search(fts, 'paper -"paper jam"') == {2, 4}
    assert search(fts, "-paper") == set()


def test_or(fts):
    assert search(fts, "scanner OR toner") == {2, 3}
    assert search(fts, "scanner OR toner paper") == {2}
    assert search(fts, "jam OR toner -clear") == {1, 3}


def test_porter_stemming(fts):
    assert search(fts, "printers") == {1, 3}
    assert search(fts, "jams") == {1, 4}
    assert search(fts, "reporting") == {1}


def test_persian_and_arabic_spellings_fold(fts):
    assert search(fts, "چاپگر") == {5}
    assert search(fts, "راهنماي") == {5}  # Arabic yeh
    assert search(fts, "كاغذ") == {5}  # Arabic kaf
    assert search(fts, "كَاغَذ") == {5}  # harakat
    assert search(fts, "كاغــذ") == {5}  # tatweel
    assert search(fts, "٤٢") == {5}  # Arabic-Indic digits
    assert search(fts, "۴۲") == {5}  # Persian digits
    assert search(fts, "42") == {5}
    assert search(fts, "«كاغذ در چاپگر»") == {5}
    assert search(fts, "چاپگر -كاغذ") == set()


def test_zwnj_compounds_match_with_or_without_it(fts):
    assert search(fts, "می‌خواهیم") == {6}
    assert search(fts, "میخواهیم") == {6}
    assert search(fts, "می‌خوا*") == {6}


def test_a_word_with_punctuation_is_a_phrase(fts):
    assert search(fts, "e-mail") == {6}
    assert search(fts, "title:foo") == {6}
    assert search(fts, "NEAR(email setup)") == set()  # "near" is just a word


# --- properties ------------------------------------------------------------------

SYNTAX = list("\"*-()^:{}+,.'\u201c\u201d«»_ \t\n\x00\x1b\u202e\u200c\u0640\u064e")
FRAGMENTS = [
    "OR",
    "AND",
    "NOT",
    "NEAR",
    "NEAR(",
    "title:",
    "{title}",
    "printer",
    "paper",
    "jam*",
    "-",
    "*",
    '"',
    "(",
    ")",
    "چاپگر",
    "كاغذ",
    "٤٢",
    "\x1b[31m",
    "\U0001fae8",  # newer than FTS5's Unicode 6.1 tables: a separator there
]
typed_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(SYNTAX + list("abپی۴٤4"))),
    st.lists(st.sampled_from(FRAGMENTS + SYNTAX)).map("".join),
    st.lists(st.sampled_from(FRAGMENTS)).map(" ".join),
)


@settings(max_examples=200, deadline=None)
@given(typed=typed_text)
def test_any_typed_text_is_a_valid_fts5_query(fts, typed):
    query = parse(typed)
    expression = to_fts(query)
    assert (expression is None) == (not query.positive)
    if expression is not None:
        # apsw raises on an FTS5 syntax error; it must not.
        list(fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)))
    highlights(typed, query)
    snippet(typed, query, words=5)


# Each Persian letter or digit with the spellings people type for it.
VARIANTS = {
    "ی": ["ی", "ي", "ى"],
    "ک": ["ک", "ك"],
    "ه": ["ه", "ة"],
    **{str(d): [str(d), chr(0x06F0 + d), chr(0x0660 + d)] for d in range(10)},
    **{ch: [ch] for ch in "ابپتجچخدرزسشغفگلمنو"},
}
HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b", "\u0670"]
ARABIC_LETTERS = [ch for ch in VARIANTS if not ch.isdigit()]


@st.composite
def spelled_twice(draw):
    """A Persian word and the same word spelled another way."""
    chars = draw(st.lists(st.sampled_from(list(VARIANTS)), min_size=1, max_size=8))
    if not any(ch in ARABIC_LETTERS for ch in chars):
        chars.insert(0, "ب")  # a letter, so there is something to type marks on
    canonical, variant = "", ""
    for ch in chars:
        canonical += ch
        variant += draw(st.sampled_from(VARIANTS[ch]))
        if ch in ARABIC_LETTERS:
            variant += "".join(draw(st.lists(st.sampled_from([*HARAKAT, "\u0640"]), max_size=2)))
    return canonical, variant


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(spelled_twice(), min_size=5, max_size=5),
    template=st.sampled_from(
        ["{0}", '{0} "{1} {2}" -{3} {4}*', '{0} OR {1} -"{2} {3}" {4}', "«{0} {1}»* {2}-{3}"]
    ),
)
def test_spelling_variants_give_the_same_query(words, template):
    canonical = template.format(*(c for c, _ in words))
    variant = template.format(*(v for _, v in words))
    assert to_fts(parse(variant)) == to_fts(parse(canonical))


@settings(max_examples=200, deadline=None)
@given(pair=spelled_twice(), before=st.sampled_from(["", "see ", "# "]))
def test_a_variant_spelling_in_the_article_is_highlighted(pair, before):
    canonical, variant = pair
    article = f"{before}{variant}, then more."
    start = len(before)
    assert highlights(article, parse(canonical)) == [(start, start + len(variant))]


# --- highlights and snippet ------------------------------------------------------


def spans_text(text, query):
    return [text[a:b] for a, b in highlights(text, query)]


def test_highlights_words_prefixes_and_stems():
    text = "Printers jammed; the printer's tray and a print job, not the printing-press."
    assert spans_text(text, parse("printer")) == ["Printers", "printer"]
    assert spans_text(text, parse("print*")) == ["Printers", "printer", "print", "printing"]
    # porter: "print" and "printing" are "print", "printer(s)" is "printer"
    assert spans_text(text, parse("printing")) == ["print", "printing"]
    assert spans_text(text, parse("jams")) == ["jammed"]  # both "jam"
    assert spans_text(text, parse("jam*")) == ["jammed"]


# Words whose stems the hand-made suffix rule got wrong, and their kin.
STEM_WORDS = (
    "connection connected connecting connect running runs run card cardinal cards "
    "print printable printer printers printing jam jams jammed relational relate "
    "general generalization happy happiness policy police organization organ "
    "universe university news new agreed agree sky skies hopeful hope caresses "
    "cares ponies pony"
).split()


def test_a_word_is_lit_exactly_when_the_index_finds_it():
    # the knowledge index's own tokenizer (m0007), in a table of one word a row
    conn = apsw.Connection(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61 remove_diacritics 2')"
    )
    for rowid, word in enumerate(STEM_WORDS):
        conn.execute("INSERT INTO t(rowid, body) VALUES (?, ?)", (rowid, word))
    for typed in STEM_WORDS:
        found = {
            STEM_WORDS[rowid]
            for (rowid,) in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (f'"{typed}"',))
        }
        lit = {word for word in STEM_WORDS if highlights(word, parse(typed))}
        assert lit == found, typed


def test_highlights_a_phrase_only_as_a_run():
    text = "Paper jam: clear the jam, then load paper. A paper\n  JAM again."
    assert spans_text(text, parse('"paper jam"')) == ["Paper", "jam", "paper", "JAM"]
    assert spans_text(text, parse("paper jam")) == ["Paper", "jam", "jam", "paper", "paper", "JAM"]


def test_exclusions_are_never_highlighted():
    text = "printer paper"
    assert spans_text(text, parse("printer -paper")) == ["printer"]
    assert spans_text(text, parse('-"printer paper"')) == []


def test_highlights_persian_in_the_original_spelling():
    text = "كِتابِ مـا: می‌خواهیم ۴۲ نسخه"
    assert spans_text(text, parse("کتاب")) == ["كِتابِ"]
    assert spans_text(text, parse("ما")) == ["مـا"]
    assert spans_text(text, parse("میخواهیم")) == ["می‌خواهیم"]
    assert spans_text(text, parse("42")) == ["۴۲"]
    # porter does not stem Persian, so no stem guess either
    assert spans_text(text, parse("کتابها")) == []


def test_highlights_ignore_escape_sequence_parameters():
    text = "\x1b[31mred\x1b[0m 31m"
    assert highlights(text, parse("31m")) == [(len(text) - 3, len(text))]
    assert highlights("", parse("x")) == []


def test_snippet_of_a_short_text_is_all_of_it_as_prose():
    text = "# Fix a *paper jam*\n\nOpen `tray 2` and see [the guide](http://x.example/g) ![pic](p.png) > step\x1b[31m 3."
    pieces = snippet(text, parse("jam tray"))
    assert pieces == [
        ("Fix a paper ", False),
        ("jam", True),
        (" Open ", False),
        ("tray", True),
        (" 2 and see the guide pic step 3.", False),
    ]


def test_snippet_picks_the_window_with_the_most_hits():
    filler = " ".join(f"w{i}" for i in range(100))
    text = f"toner once. {filler} toner low: toner replace toner. {filler} end"
    pieces = snippet(text, parse("toner"), words=10)
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    assert [p for p, hit in pieces if hit] == ["toner", "toner", "toner"]
    prose = "".join(p for p, _ in pieces)
    assert "low" in prose and "replace" in prose
    assert len(prose.replace("…", " ").split()) <= 10


def test_snippet_without_hits_is_the_start():
    text = "First line\n\nsecond   line " + "more " * 50
    pieces = snippet(text, parse("absent"), words=4)
    assert pieces == [("First line second line", False), ("…", False)]
    assert snippet("", parse("x")) == []
    assert snippet("## **", parse("x")) == []


def test_snippet_keeps_underscores_inside_words():
    pieces = snippet("Set __max_connections__ to _10_", parse("max_connections"))
    assert pieces == [("Set ", False), ("max_connections", True), (" to 10", False)]


@settings(max_examples=200, deadline=None)
@given(text=st.text(), typed=typed_text, words=st.integers(min_value=-1, max_value=30))
def test_snippet_never_carries_control_characters(text, typed, words):
    pieces = snippet(text, parse(typed), words=words)
    for piece, _ in pieces:
        assert piece
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in piece)
        assert "  " not in piece and not any(ch in piece for ch in "#*`[]()>")


def test_a_long_text_is_looked_at_around_the_first_hit():
    filler = "Nothing to see in this sentence at all. " * 200
    text = filler + "The toner cartridge is empty, replace the toner. " + filler
    pieces = snippet(text, parse("toner"))
    assert [p for p, hit in pieces if hit] == ["toner", "toner"]
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    # no hit at all: the start of the text, cut after
    pieces = snippet(text, parse("missing"))
    assert pieces[0][0].startswith("Nothing") and pieces[-1] == ("…", False)
