"""ArticleList: knowledge articles as options of two or three lines (the
title with its number, state and subject; the snippet with the searched
words lit), for the knowledge search and the suggestions beside a case."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from crm_tui import display, keys
from crm_tui.text import clean, safe_line

STATE_STYLE = {
    "draft": "yellow",
    "in_review": "magenta",
    "approved": "cyan",
    "published": "green",
    "archived": "dim",
    "expired": "dim red",
}
HIT_STYLE = "bold reverse"


def _literal(piece: str) -> str:
    """A snippet piece cleaned of control characters, keeping the single
    space at either end that separates it from its neighbours."""
    core = clean(piece)
    if not core:
        return " " if piece else ""
    return (" " if piece[:1].isspace() else "") + core + (" " if piece[-1:].isspace() else "")


def snippet_text(pieces: list[tuple[str, bool]]) -> Text:
    """A snippet with its hits lit; user text, drawn literally."""
    out = Text(no_wrap=False)
    for piece, hit in pieces:
        out.append(_literal(piece), style=HIT_STYLE if hit else "dim")
    return out


def article_text(row: dict, *, compact: bool = False) -> Text:
    """How an article reads in a list."""
    out = safe_line(row["title"], "bold")
    meta = Text("\n", style="dim")
    meta.append(row["display_number"])
    if row["state"] != "published":
        meta.append(" · ")
        meta.append(display.state("article", row["state"]), style=STATE_STYLE[row["state"]])
    if not compact:
        if row.get("subject"):
            meta.append(" · ")
            meta.append_text(safe_line(row["subject"], "dim"))
        if row.get("language") and row["language"] != "en":
            meta.append(f" · {display.option('article', 'language', row['language'])}")
    rating = display.rating(row)
    if rating:
        meta.append(f" · {rating}")
    if row.get("helped_count"):
        meta.append(f" · helped {row['helped_count']}")
    if row.get("linked"):
        meta.append(" · ✓ linked", style="green")
    out.append_text(meta)
    if row.get("snippet"):
        out.append("\n")
        out.append_text(snippet_text(row["snippet"]))
    return out


class ArticleList(OptionList):
    """Options keyed by article id; `rows` are kb_search results."""

    BINDINGS = keys.bindings("article_list")

    def __init__(self, *, compact: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.compact = compact
        self.rows: list[dict] = []

    def show(self, rows: list[dict]) -> None:
        highlighted = self.current_id
        self.rows = rows
        self.clear_options()
        self.add_options(
            [Option(article_text(row, compact=self.compact), id=str(row["id"])) for row in rows]
        )
        ids = [row["id"] for row in rows]
        if rows:
            self.highlighted = ids.index(highlighted) if highlighted in ids else 0

    def update_row(self, row: dict) -> None:
        """Draw one row again (its snippet arrived)."""
        self.replace_option_prompt(str(row["id"]), article_text(row, compact=self.compact))

    @property
    def current(self) -> dict | None:
        if self.highlighted is None or not self.rows:
            return None
        return self.rows[min(self.highlighted, len(self.rows) - 1)]

    @property
    def current_id(self) -> int | None:
        row = self.current
        return row["id"] if row else None
