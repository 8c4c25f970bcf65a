"""Knowledge-base search box: what a person types -> a safe FTS5 query,
and the words to light up in an article's original text.

The syntax is the one people know from web search: plain words (all must
match), "exact phrase", prefix*, -exclude (a word or a "phrase") and OR
between terms (uppercase only; `or` is a word). Anything else is text:
FTS5 operators and specials typed literally (NEAR, AND, NOT, parentheses,
^, :, column filters, braces) are words or dropped punctuation, because
every token reaches FTS5 inside double quotes. Nothing typed can raise or
produce an FTS5 syntax error.

How malformed input is read:

* an unclosed quote makes the rest of the input one phrase (`"paper ja`
  is the phrase "paper ja"); a quote is ", “, ”, „, « or » (Persian
  writes phrases in guillemets, and phones type curly quotes);
* a lone `-` or `*`, and a phrase or word with no letters or digits, is
  dropped;
* `*` marks a prefix only after the last letter of a word or phrase
  (`print*`, `(print*)`, `"paper ja"*`, `"paper ja*"`); elsewhere it
  is punctuation;
* `OR` at the start or end, or doubled, is ignored; a dropped term is
  skipped, so `a OR * b` is `a OR b`; `OR` next to an exclusion is
  ignored (FTS5's NOT is binary and cannot be an alternative), so
  `a OR -b` means a, without b;
* one typed word that normalises to several tokens (`e-mail`,
  `title:foo`, `foo_bar`, `3.5`) is a phrase of those tokens.

This module is pure: no database, no Textual, no rich.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from crm_tui import text as _text

__all__ = ["Query", "Term", "highlights", "match_expression", "parse", "snippet", "to_fts"]


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word, or a phrase when it has several words."""

    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False


@dataclass(frozen=True)
class Query:
    """An AND of groups; each group is an OR of terms."""

    groups: tuple[tuple[Term, ...], ...] = ()

    @property
    def positive(self) -> bool:
        """True when at least one term is not an exclusion (FTS5 needs one)."""
        return any(not term.negated for group in self.groups for term in group)


# --- parsing -----------------------------------------------------------------

_QUOTES = frozenset('"\u201c\u201d\u201e\u00ab\u00bb')
_MINUS = frozenset("-\u2212")
_OR = object()


def _words(value: str) -> tuple[str, ...]:
    # FTS5's unicode61 tokenizer splits on "_" although Python's \w does
    # not; splitting here too keeps phrases, highlights and the index in step,
    # and drops "words" that would reach FTS5 as an empty phrase.
    return tuple(part for token in _text.tokens(value) for part in token.split("_") if part)


@functools.lru_cache(maxsize=8192)
def _words_cached(value: str) -> tuple[str, ...]:
    # Normalising is the slow part of highlighting and words recur.
    return _words(value)


_TAIL = re.compile(r"\W*$")


def _is_prefix(raw: str) -> bool:
    # The star must come after the last word character: "print*" and
    # "(print*)" are prefixes, "pr*nt" is two words.
    tail = _TAIL.search(raw)
    return tail is not None and "*" in tail.group()


def _scan(typed: str) -> list[object]:
    items: list[object] = []
    i, n = 0, len(typed)
    while i < n:
        ch = typed[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch in _MINUS:
            i += 1
            if i >= n or typed[i].isspace():
                continue  # a lone minus excludes nothing
            negated = True
            ch = typed[i]
        if ch in _QUOTES:
            end = next((j for j in range(i + 1, n) if typed[j] in _QUOTES), n)
            raw = typed[i + 1 : end]
            i = end + 1
            prefix = _is_prefix(raw)
            while i < n and typed[i] == "*":
                prefix = True
                i += 1
        else:
            end = i
            while end < n and not typed[end].isspace() and typed[end] not in _QUOTES:
                end += 1
            raw = typed[i:end]
            i = end
            if raw == "OR" and not negated:
                items.append(_OR)
                continue
            prefix = _is_prefix(raw)
        words = _words(raw)
        if words:
            items.append(Term(words, prefix=prefix, negated=negated))
    return items


def parse(typed: str | None) -> Query:
    """Read what a person typed into the knowledge-base search box.

    Never raises; see the module docstring for how malformed input is read.
    Exclusions are always groups of their own.
    """
    groups: list[tuple[Term, ...]] = []
    pending_or = False
    for item in _scan(_text.clean(typed)):
        if item is _OR:
            pending_or = True
            continue
        assert isinstance(item, Term)
        joinable = pending_or and not item.negated and groups and not groups[-1][0].negated
        if joinable:
            groups[-1] = (*groups[-1], item)
        else:
            groups.append((item,))
        pending_or = False
    return Query(tuple(groups))


# --- FTS5 ----------------------------------------------------------------------


def _term_words(term: Term) -> tuple[str, ...]:
    # Terms may be built by hand; normalising again is idempotent for
    # parsed terms and keeps anything else from leaking into the query.
    return tuple(w for word in term.words for w in _words(word))


def _phrase(term: Term) -> str | None:
    words = _term_words(term)
    if not words:
        return None
    quoted = '"' + " ".join(words).replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def to_fts(query: Query) -> str | None:
    """The FTS5 MATCH expression for `query`, or None when it has no
    positive term (FTS5 cannot search for exclusions alone).

    Every token is quoted, so nothing typed is read as FTS5 syntax. Groups
    are joined with an explicit AND: FTS5 rejects an implicit AND next to a
    parenthesised OR. Exclusions follow as `NOT "x"`.
    """
    positive: list[str] = []
    negative: list[str] = []
    for group in query.groups:
        alternatives: list[str] = []
        for term in group:
            phrase = _phrase(term)
            if phrase is None:
                continue
            if term.negated:
                if phrase not in negative:
                    negative.append(phrase)
            elif phrase not in alternatives:
                alternatives.append(phrase)
        if len(alternatives) == 1:
            positive.append(alternatives[0])
        elif alternatives:
            positive.append("(" + " OR ".join(alternatives) + ")")
    if not positive:
        return None
    expression = " AND ".join(positive)
    if negative:
        if len(positive) > 1:
            expression = "(" + expression + ")"
        expression += "".join(" NOT " + phrase for phrase in negative)
    return expression


def match_expression(typed: str | None) -> str | None:
    """`to_fts(parse(typed))`: the MATCH argument for a typed search, or None."""
    return to_fts(parse(typed))


# --- highlighting ---------------------------------------------------------------

# Harakat and ZWNJ are common enough in Persian to match in the regex; other
# scripts' combining marks are joined on by _joins.
_WORD = re.compile(r"[\w\u200c\u200d\u064b-\u065f\u0670\u0300-\u036f]+")


def _joins(ch: str) -> bool:
    # Python's \w stops at combining marks (harakat, accents typed as two
    # code points) and at ZWNJ, but they belong to the word around them.
    return ch in "\u200c\u200d" or unicodedata.category(ch).startswith("M")


def _word_spans(text: str) -> list[tuple[int, int]]:
    # Escape sequences carry parameters that look like words ("31m").
    masked = _text._ESCAPE_SEQ.sub(lambda m: " " * len(m.group()), text)
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(masked):
        start, end = match.span()
        # Combining marks and joiners all sit above U+02FF: a cheap test
        # first, since most gaps are a space.
        if (
            spans
            and masked[spans[-1][1]] > "\u02ff"
            and all(_joins(ch) for ch in masked[spans[-1][1] : start])
        ):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    size = len(masked)
    for index, (start, end) in enumerate(spans):
        while end < size and masked[end] > "\u02ff" and _joins(masked[end]):
            end += 1
        spans[index] = (start, end)
    return spans


@functools.cache
def _stemmer():
    # Snowball's Porter, imported when an article is first highlighted
    import Stemmer

    return Stemmer.Stemmer("porter")


@functools.lru_cache(maxsize=8192)
def _stem(word: str) -> str | None:
    """The stem the index gives an ASCII word (SQLite's porter tokenizer
    and PostgreSQL's porter dictionary: the same algorithm), or None for a
    word porter does not stem (any other script). Words under three letters
    pass through porter as they are."""
    if not word.isascii():
        return None
    return word if len(word) < 3 else _stemmer().stemWord(word)


def _accepted(distinct: set[str], word: str, prefix: bool) -> set[str]:
    """The distinct tokens of a text that match a term's `word` as the index
    does: equal, or starting with it for a prefix term, or with the same
    porter stem ("printers" and "printer", not "card" and "cardinal")."""
    stem = _stem(word)
    out = set()
    for token in distinct:
        if token == word or (prefix and token.startswith(word)):
            out.add(token)
        elif stem is not None and _stem(token) == stem:
            out.add(token)
    return out


def _hit_words(text: str, query: Query) -> tuple[list[tuple[int, int]], list[bool]]:
    spans = _word_spans(text)
    stream = [
        (token, index)
        for index, (start, end) in enumerate(spans)
        for token in _words_cached(text[start:end])
    ]
    tokens = [token for token, _ in stream]
    distinct = set(tokens)
    hit = [False] * len(spans)
    for group in query.groups:
        for term in group:
            if term.negated:
                continue
            words = _term_words(term)
            if not words:
                continue
            last = len(words) - 1
            # Articles repeat their words: decide each distinct word once.
            accepted = [
                _accepted(distinct, word, term.prefix and k == last) for k, word in enumerate(words)
            ]
            if not all(accepted):
                continue
            first = accepted[0]
            for i in range(len(stream) - last):
                if tokens[i] in first and all(
                    tokens[i + k] in accepted[k] for k in range(1, last + 1)
                ):
                    for k in range(last + 1):
                        hit[stream[i + k][1]] = True
    return spans, hit


def highlights(text: str, query: Query) -> list[tuple[int, int]]:
    """The (start, end) character spans of the words in `text` that the
    query's positive terms match, in order; exclusions are never marked.

    `text` is the article's original text (not normalised); the spans index
    into it as given. A word matches a term word when it normalises to it,
    starts with it (prefix terms), shares an English stem with it (the index
    stems with porter), or is part of a run of words matching a phrase.
    """
    if not text:
        return []
    spans, hit = _hit_words(text, query)
    return [span for span, marked in zip(spans, hit, strict=True) if marked]


# Markdown markup characters (table pipes and rules too); "_" only at a word's edge, because inside a
# word (max_connections) it is part of the name, not emphasis.
# A link's or image's target, `[text](target)`, is dropped whole: the text is
# what a reader sees.
_MARKUP = re.compile(
    r"(?<=\])\([^()\s]*\)|!(?=\[)|[#*`\[\]()>|]|:?-{3,}:?|(?<![^\W_])_|_(?![^\W_])"
)
_SPACE = re.compile(r"\s+")
# Brackets and table pipes separate the words around them; emphasis marks
# (**bold**, `code`) sit against their word and just go.
_SEPARATING = frozenset("[]()|>")


def _unmarked(match: re.Match) -> str:
    found = match.group()
    if len(found) == 1 and found in _SEPARATING:
        return " "
    return _GONE * len(found)


_GONE = "\x00"  # clean() removes NUL, so it can mark dropped characters
_ELLIPSIS = "\u2026"


def snippet(text: str, query: Query, words: int = 24) -> list[tuple[str, bool]]:
    """A short extract of `text` for a search result, as (piece, is_hit)
    pieces in order.

    The extract is the window of about `words` words with the most
    highlighted words (the start of the text when there are none), cut
    ends shown as "…" pieces. Control characters are removed, whitespace
    collapses to single spaces and Markdown markup characters are dropped,
    so the snippet reads as prose.
    """
    source, cut_before, cut_after = _window(_text.clean(text, multiline=True), query)
    spans, hit = _hit_words(source, query)
    size = max(1, words)
    first_word, last_word = 0, len(spans) - 1
    if len(spans) > size:
        first_word = _best_start(hit, size)
        last_word = first_word + size - 1
    start = 0 if first_word == 0 or not spans else spans[first_word][0]
    end = len(source) if last_word == len(spans) - 1 else spans[last_word][1]

    visible = _MARKUP.sub(_unmarked, source)
    raw: list[tuple[str, bool]] = []
    cursor = start
    for index in range(first_word, last_word + 1):
        if not hit[index]:
            continue
        word_start, word_end = spans[index]
        raw.append((visible[cursor:word_start], False))
        raw.append((visible[word_start:word_end], True))
        cursor = word_end
    raw.append((visible[cursor:end], False))

    pieces = [(_SPACE.sub(" ", piece.replace(_GONE, "")), is_hit) for piece, is_hit in raw]
    pieces = [(piece, is_hit) for piece, is_hit in pieces if piece]
    if pieces:
        pieces[0] = (pieces[0][0].lstrip(), pieces[0][1])
        pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1])
        pieces = [(piece, is_hit) for piece, is_hit in pieces if piece]
    if pieces and (first_word > 0 or cut_before):
        pieces.insert(0, (_ELLIPSIS, False))
    if pieces and (last_word < len(spans) - 1 or cut_after):
        pieces.append((_ELLIPSIS, False))
    return pieces


# Longer texts are looked at only around the first place a searched word
# appears: reading every word of a long article in Python costs a
# millisecond or more, and a search shows many snippets at once.
_WINDOW = 1600
_LEAD = 300


def _window(source: str, query: Query) -> tuple[str, bool, bool]:
    """(the part of `source` to look at, whether it was cut before, after)."""
    if len(source) <= _WINDOW:
        return source, False, False
    lowered = source.casefold()
    found = [
        lowered.find(words[0])
        for group in query.groups
        for term in group
        if not term.negated and (words := _term_words(term))
    ]
    first = min((at for at in found if at >= 0), default=0)
    start = max(0, first - _LEAD)
    end = min(len(source), start + _WINDOW)
    # whole words only: cut at spaces
    if start > 0:
        space = source.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    if end < len(source):
        space = source.rfind(" ", start, end)
        end = space if space > start else end
    return source[start:end], start > 0, end < len(source)


def _best_start(hit: list[bool], size: int) -> int:
    marked = [index for index, is_hit in enumerate(hit) if is_hit]
    if not marked:
        return 0
    best_count, first, last = 0, 0, 0
    right = 0
    for left, index in enumerate(marked):
        right = max(right, left)
        while right + 1 < len(marked) and marked[right + 1] < index + size:
            right += 1
        if right - left + 1 > best_count:
            best_count, first, last = right - left + 1, index, marked[right]
    # Centre the hits in the window so they have context on both sides.
    start = (first + last) // 2 - (size - 1) // 2
    start = max(start, last - size + 1, 0)
    return min(start, first, len(hit) - size)
