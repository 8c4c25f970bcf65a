"""Kanban: a column per stage, each a keyboard-driven list of cards that
pages more cards in as the selection nears the end of what is loaded.

The board knows nothing of opportunities: the screen gives it the columns,
a `fetch(column, after)` returning a page of cards (rows, keys, more),
functions that render a card and a column head, and how keys sort. Cards
are drawn from rich Text (a `Card` of lines), so user text is never parsed
as markup.

A moved card is taken out of one column and put into the other
(`move_card`): only those two redraw. `reload` reads every column again and
redraws only the columns whose cards changed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui import keys

# Load the next page when the selection is this close to the last loaded card.
PREFETCH = 5


@dataclass
class CardPage:
    rows: list[dict]
    keys: list[tuple]
    more: bool


class Card(Visual):
    """A card's lines, laid out at the width the column gives them. A line is
    (left, right): the left part is cut with an ellipsis so that the right
    part (a date, a warning) always shows. `right` may be a tuple of forms,
    longest first: the longest that leaves the left part whole is used, else
    the shortest, which cuts the left part least."""

    def __init__(self, lines: Sequence[tuple[Text, Text | tuple[Text, ...]]]) -> None:
        self.lines = [
            (
                Content.from_rich_text(left),
                tuple(
                    Content.from_rich_text(r)
                    for r in (right if isinstance(right, tuple) else (right,))
                ),
            )
            for left, right in lines
        ]
        self._laid_out: tuple[int, Content] | None = None

    def _layout(self, width: int) -> Content:
        if self._laid_out is not None and self._laid_out[0] == width:
            return self._laid_out[1]
        out = []
        for left, forms in self.lines:
            right = next(
                (r for r in forms if left.cell_length + 1 + r.cell_length <= width), forms[-1]
            )
            room = width - right.cell_length - 1
            if not right.cell_length:
                out.append(left)
            elif room >= 1:
                out.append(left.truncate(room, ellipsis=True, pad=True) + " " + right)
            else:
                out.append(right)
        content = Content("\n").join(out)
        self._laid_out = (width, content)
        return content

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self._layout(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(
            left.cell_length + (max(r.cell_length for r in forms) + 1 if forms[0] else 0)
            for left, forms in self.lines
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines)


@dataclass
class _Column:
    key: str
    label: str
    rows: list[dict] = field(default_factory=list)
    keys: list[tuple] = field(default_factory=list)
    more: bool = False


class CardList(OptionList):
    """One column's cards; vim keys as well as arrows."""

    BINDINGS = keys.bindings("card_list")

    def __init__(self, column: str, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.column = column


class Kanban(Horizontal):
    """Columns of cards. Posts MoveRequested (shift+arrow, H/L) and
    Opened (enter); the screen decides whether a move is allowed."""

    BINDINGS = keys.bindings("kanban")

    class MoveRequested(Message):
        def __init__(self, card: dict, source: str, target: str) -> None:
            super().__init__()
            self.card = card
            self.source = source
            self.target = target

    class Opened(Message):
        def __init__(self, card: dict) -> None:
            super().__init__()
            self.card = card

    def __init__(
        self,
        columns: list[tuple[str, str]],
        fetch: Callable[[str, tuple | None], CardPage],
        render_card: Callable[[dict], Text | Card],
        render_head: Callable[[str, str], Text],
        order: Callable[[tuple], Any] = lambda key: key,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.columns = [_Column(key, label) for key, label in columns]
        self.fetch = fetch
        self.render_card = render_card
        self.render_head = render_head
        # a card key as a value that sorts like the column (for move_card)
        self.order = order
        self._heads: dict[str, Text] = {}

    def compose(self) -> ComposeResult:
        for column in self.columns:
            with Vertical(classes="kanban-column", id=f"column-{column.key}"):
                yield Static(classes="kanban-head", id=f"head-{column.key}")
                yield CardList(column.key, id=f"cards-{column.key}", classes="kanban-cards")

    # --- state ---------------------------------------------------------------------

    def _list(self, key: str) -> CardList:
        return self.query_one(f"#cards-{key}", CardList)

    def _column(self, key: str) -> _Column:
        return next(c for c in self.columns if c.key == key)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # the screen knows whether the person may move the focused card
        if action == "move":
            allows = getattr(self.screen, "access_allows", None)
            if allows is not None and not allows("move"):
                return False
        return True

    @property
    def current_column(self) -> str:
        focused = self.app.focused
        if isinstance(focused, CardList) and focused.parent.parent is self:
            return focused.column
        return getattr(self, "_last_column", self.columns[0].key)

    @property
    def current_card(self) -> dict | None:
        column = self._column(self.current_column)
        index = self._list(column.key).highlighted
        if index is None or index >= len(column.rows):
            return None
        return column.rows[index]

    def loaded_count(self, key: str) -> int:
        return len(self._column(key).rows)

    # --- loading ---------------------------------------------------------------------

    def reload(self, select: tuple[str, int] | None = None) -> None:
        """Read every column again, keeping as many cards loaded as before
        and the selection on the same card (or `select` = (column, card id))."""
        current = self.current_card
        column_key = self.current_column
        if select is None and current is not None:
            select = (column_key, current["id"])
        for column in self.columns:
            wanted = max(len(column.rows), 1)
            before = column.rows
            column.rows, column.keys, column.more = [], [], False
            self._load_more(column)
            while column.more and len(column.rows) < wanted:
                self._load_more(column)
            if select is not None and select[0] == column.key:
                # the card may be further down than was loaded before
                while column.more and all(r["id"] != select[1] for r in column.rows):
                    self._load_more(column)
            # another person's change elsewhere leaves this column as it was
            if column.rows != before or self._list(column.key).option_count != len(before):
                self._render_column(column)
        self.refresh_heads()
        if select is not None:
            self.select(*select)

    def refresh_heads(self, keys: Sequence[str] | None = None) -> None:
        """Draw the heads of the columns `keys` (all by default) again."""
        for column in self.columns:
            if keys is not None and column.key not in keys:
                continue
            text = self.render_head(column.key, column.label)
            if text != self._heads.get(column.key):
                self._heads[column.key] = text
                # a head's size is set by the styles, never by its text
                self.query_one(f"#head-{column.key}", Static).update(text, layout=False)

    def move_card(
        self, card_id: int, source: str, target: str, row: dict | None = None, key=None
    ) -> None:
        """Take card `card_id` out of column `source` and, given its `row` and
        `key` as it is now, put it into column `target` where its key sorts,
        selected. Without a row the card has left the board: the selection
        stays in `source`. Only these two columns are drawn again."""
        self._take_out(source, card_id)
        if row is None:
            self.select(source, None)
            return
        self._take_out(target, card_id)  # a reload may have put it there already
        column = self._column(target)
        cards = self._list(target)
        order = self.order(key)
        position = bisect.bisect_left([self.order(k) for k in column.keys], order)
        if position == len(column.rows) and column.more:
            # past what is loaded: the card comes with the pages after the last
            start = len(column.rows)
            while column.more and all(r["id"] != card_id for r in column.rows):
                self._load_more(column)
            cards.add_options(self._options(column.rows[start:]))
        else:
            column.rows.insert(position, row)
            column.keys.insert(position, key)
            options = list(cards.options)
            options.insert(position, Option(self.render_card(row), id=str(card_id)))
            # a None after each option keeps the rule between cards
            cards.set_options([item for option in options for item in (option, None)])
        self.select(target, card_id)

    def _take_out(self, key: str, card_id: int) -> None:
        column = self._column(key)
        for index, row in enumerate(column.rows):
            if row["id"] == card_id:
                del column.rows[index], column.keys[index]
                self._list(key).remove_option_at_index(index)
                return

    def _load_more(self, column: _Column) -> int:
        after = column.keys[-1] if column.keys else None
        page = self.fetch(column.key, after)
        column.rows += page.rows
        column.keys += page.keys
        column.more = page.more
        return len(page.rows)

    def _options(self, rows: list[dict]) -> list:
        out: list = []
        for row in rows:
            out.append(Option(self.render_card(row), id=str(row["id"])))
            out.append(None)  # a rule between cards
        return out

    def _render_column(self, column: _Column) -> None:
        cards = self._list(column.key)
        highlighted = cards.highlighted
        cards.set_options(self._options(column.rows))
        if column.rows:
            cards.highlighted = min(highlighted or 0, len(column.rows) - 1)

    def select(self, key: str, card_id: int | None) -> None:
        """Focus column `key` with card `card_id` highlighted (if loaded)."""
        column = self._column(key)
        cards = self._list(key)
        for index, row in enumerate(column.rows):
            if row["id"] == card_id:
                cards.highlighted = index
                break
        else:
            if column.rows and cards.highlighted is None:
                cards.highlighted = 0
        # At once, not after the next refresh as focus() does: a reload or a
        # key that comes first would read the selection from the column
        # focused before (and this screen may be under a closing modal).
        self.screen.set_focus(cards)
        self._last_column = key

    def focus_first(self) -> None:
        self._list(self.current_column).focus()

    # --- keys and events ---------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        cards = event.option_list
        if not isinstance(cards, CardList):
            return
        column = self._column(cards.column)
        if column.more and event.option_index >= len(column.rows) - PREFETCH:
            start = len(column.rows)
            if self._load_more(column):
                cards.add_options(self._options(column.rows[start:]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        card = self.current_card
        if card is not None:
            self.post_message(self.Opened(card))

    def on_descendant_focus(self, event) -> None:
        if isinstance(event.widget, CardList):
            self._last_column = event.widget.column

    def _neighbour(self, step: int) -> str | None:
        keys = [c.key for c in self.columns]
        index = keys.index(self.current_column) + step
        return keys[index] if 0 <= index < len(keys) else None

    def action_column(self, step: int) -> None:
        target = self._neighbour(step)
        if target is None:
            return
        here = self._list(self.current_column).highlighted or 0
        cards = self._list(target)
        count = len(self._column(target).rows)
        if count:
            cards.highlighted = min(here, count - 1)
        cards.focus()

    def action_move(self, step: int) -> None:
        card = self.current_card
        target = self._neighbour(step)
        if card is None or target is None:
            return
        self.post_message(self.MoveRequested(card, self.current_column, target))
