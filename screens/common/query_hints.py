"""The filter bar's completion: field names, `has:` and `sort:`, and the
values of an option set, offered as the rest of the word being typed (→
takes it)."""

from __future__ import annotations

from textual.suggester import Suggester

from crm_tui import meta


class QuerySuggester(Suggester):
    """Completes the last term of a list's query from `kind`'s metadata."""

    def __init__(self, kind: str) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.kind = meta.kind(kind)

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith(" "):
            return None
        from crm_tui.services import query  # with the first key typed, not at start

        found = query.completions(self.kind, value)
        if not found:
            return None
        term = value.rsplit(" ", 1)[-1]
        return value[: len(value) - len(term)] + found[0]
