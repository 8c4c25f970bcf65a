"""The full-text documents of generated accounts and contacts, fast:
search._documents itself, run with shortcuts that give the same strings,
and a check against the real function for a sample of rows."""

from __future__ import annotations

import types
from collections.abc import Callable

from crm_tui import text
from crm_tui.services import search
from crm_tui.services.validate import phone_search_terms


class _FastText:
    """crm_tui.text as search._documents sees it during generation: the same
    module, but normalize() takes a shortcut for printable ASCII (where it
    only trims and lower-cases) and folds other text word by word, each
    distinct word once (folding never reaches across a space in generated
    text, which has no control characters)."""

    def __init__(self) -> None:
        self._words: dict[str, str] = {}

    def __getattr__(self, name: str):
        return getattr(text, name)

    def normalize(self, value: str | None) -> str:
        if not value:
            return ""
        if value.isascii() and value.isprintable():
            return value.strip().lower()
        words = self._words
        out = []
        for word in value.split(" "):
            if word.isascii() and word.isprintable():
                out.append(word.lower())
                continue
            folded = words.get(word)
            if folded is None:
                folded = text.normalize(word)
                if len(words) < 200_000:
                    words[word] = folded
            out.append(folded)
        return " ".join(out).strip()


def fast_documents(nationals: dict[str, str]) -> Callable[[tuple], tuple[str, str]]:
    """search._documents itself (the same code, so the index gets what
    search.reindex would write), run with two shortcuts: _FastText, and the
    search terms of a phone the generator built from a known national number
    (popped from `nationals`) instead of asking phonenumbers to parse it.
    `check_document` compares the result with the real function."""

    def phone_terms(value: str) -> list[str]:
        national = nationals.pop(value, None)
        if national is None:
            return phone_search_terms(value)
        return sorted({value[1:], national, "0" + national})

    real = search._documents
    scope = {**real.__globals__, "text": _FastText(), "phone_search_terms": phone_terms}
    return types.FunctionType(real.__code__, scope, "_documents", real.__defaults__)


def check_document(row: tuple, made: tuple[str, str]) -> None:
    """Raise if the fast path disagrees with search._documents for a source row
    (id, name, number, email, web, phone, mobile, city, country, extra)."""
    expected = search._documents(row)
    if made != expected:
        raise AssertionError(f"FTS document of #{row[0]}: fast path {made!r} != {expected!r}")
