"""SuggestionPanel: the knowledge articles that may answer a case, beside
its detail or its form; the articles already linked are marked and listed
first. Hidden on narrow terminals (the screen decides)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from crm_tui.widgets.article_list import ArticleList


class SuggestionPanel(Vertical):
    def __init__(self, hint: str, **kwargs) -> None:
        super().__init__(id="kb-side", **kwargs)
        self.hint = hint

    def compose(self) -> ComposeResult:
        yield Static(id="kb-side-title")
        yield ArticleList(compact=True, id="kb-suggestions")

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    def show(self, linked: list[dict], suggested: list[dict]) -> None:
        """Linked articles first (marked), then the suggestions."""
        for row in linked:
            row["linked"] = True
        self.articles.show([*linked, *suggested])
        title = Text("Articles", style="bold")
        if linked:
            title.append(f"  {len(linked)} linked", style="green")
        if not linked and not suggested:
            title.append("\nNothing matches the title yet.", style="dim")
        title.append(f"\n{self.hint}", style="dim")
        self.query_one("#kb-side-title", Static).update(title)
