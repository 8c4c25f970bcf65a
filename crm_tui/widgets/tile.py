"""One dashboard tile: its title, headline numbers, a chart of its rows,
and a note. The numbers that lead somewhere (the headline's, then each
row) are picked in turn with ↑ ↓ and opened with enter: the tile posts
`Drilled` with where the number leads, and the screen goes there.

The screen hands it a tile's data (title, figures, rows, chart) and a
function writing a value as text; the widget draws, never queries."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.text import Text
from textual.message import Message
from textual.widget import Widget

from crm_tui import keys
from crm_tui.text import safe_line
from crm_tui.widgets import charts

# value, unit ("count", "money", "percent", "moment", "text") -> text
Writer = Callable[[object, str], str]
MAX_ROWS = 8


class TileView(Widget, can_focus=True):
    BINDINGS = keys.bindings("tile")

    class Drilled(Message):
        def __init__(self, tile: TileView, drill) -> None:
            super().__init__()
            self.tile = tile
            self.drill = drill

    def __init__(self, index: int, write: Writer, **kwargs) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.write = write
        self.data = None
        self.problem = ""
        self.cursor = 0
        self.heading = ""

    # --- what it shows --------------------------------------------------

    def show(self, data) -> None:
        """Draw `data` (a tile's figures and rows), keeping the cursor."""
        self.data, self.problem = data, ""
        self.cursor = min(self.cursor, max(len(self.items) - 1, 0))
        self.name_title(data.title)
        self.refresh(layout=True)

    def show_problem(self, title: str, problem: str) -> None:
        """Say why the tile has nothing to show (a report gone, a fault)."""
        self.data, self.problem = None, problem
        self.name_title(title)
        self.refresh(layout=True)

    def name_title(self, title: str) -> None:
        """The tile's title on its border: people's text (a report's name),
        shown literally, never read as markup."""
        self.heading = title
        self.border_title = safe_line(title)

    @property
    def items(self) -> list:
        """What the cursor picks: headline numbers that lead somewhere,
        then the rows."""
        if self.data is None:
            return []
        figures = [f for f in self.data.figures if f.drill is not None]
        return figures + self._rows

    @property
    def _rows(self) -> list:
        # columns over time take every period; other charts the first rows
        rows = self.data.rows
        return list(rows) if self.data.chart == "line" else list(rows[:MAX_ROWS])

    @property
    def _figures_picked(self) -> int:
        return len([f for f in self.data.figures if f.drill is not None]) if self.data else 0

    def _headline(self) -> Text:
        line = Text()
        picked = 0
        for figure in self.data.figures:
            if line:
                line.append("  ")
            part = Text(f"{figure.label} ")
            part.append(self.write(figure.value, f"short:{figure.unit}"), style="bold")
            if figure.drill is not None:
                if picked == self.cursor and self.has_focus:
                    part.stylize("reverse")
                picked += 1
            line.append_text(part)
        return line

    def _row_text(self, row) -> str:
        units = self.data.units or ("count",)
        parts = [self.write(v, units[min(i, len(units) - 1)]) for i, v in enumerate(row.values)]
        return " · ".join(p for p in parts if p)

    def _chart(self, width: int) -> list[Text]:
        rows = self._rows
        at = self.cursor - self._figures_picked
        selected = at if self.has_focus and at >= 0 else None
        chart = self.data.chart
        if chart == "list":
            lines = []
            for index, row in enumerate(rows):
                line = safe_line(row.label)
                line.append(f"  {self._row_text(row)}", style="dim")
                line.truncate(width)
                if index == selected:
                    line.stylize("reverse")
                lines.append(line)
            return lines
        if chart == "progress":
            won = self.data.figures[0].value if self.data.figures else None
            goal = self.data.figures[1].value if len(self.data.figures) > 1 else None
            head = charts.progress(won, goal, width)
            units = self.data.units or ("money",)
            texts = [(r.label, r.values[0], r.values[1] if len(r.values) > 1 else None,
                      self.write(r.values[0], units[0])) for r in rows]  # fmt: skip
            return [head, *charts.progress_rows(texts, width, selected=selected)]
        if chart == "stacked" and any(r.parts for r in rows):
            texts = [(r.label, r.parts, self._row_text(r)) for r in rows]
            return charts.stacked(texts, width, selected=selected)
        texts = [(r.label, r.values[0], self._row_text(r)) for r in rows]
        if chart == "funnel":
            return charts.funnel(texts, width, selected=selected)
        if chart == "line":
            return charts.columns(texts, width, height=4, selected=selected)
        return charts.bars(texts, width, selected=selected)

    def render(self) -> Group:
        width = max(self.content_size.width, 10)
        if self.data is None:
            return Group(Text(self.problem or "…", style="dim"))
        lines = [self._headline()] if self.data.figures else []
        if self.data.rows:
            columns = [c for c in self.data.columns if c]
            if len(columns) > 1 and self.data.chart in ("bar", "stacked", "funnel"):
                lines.append(Text(" · ".join(columns), style="dim", justify="right"))
            lines += self._chart(width)
            hidden = len(self.data.rows) - len(self._rows)
            if hidden > 0:
                lines.append(Text(f"and {hidden} more", style="dim"))
        else:
            lines.append(Text(self.data.empty, style="dim"))
        if self.data.note:
            note = safe_line(self.data.note, "dim")
            note.truncate(width, overflow="ellipsis")
            lines.append(note)
        return Group(*lines)

    # --- keys -------------------------------------------------------------

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_cursor_down(self) -> None:
        if self.cursor < len(self.items) - 1:
            self.cursor += 1
            self.refresh()

    def action_cursor_up(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1
            self.refresh()

    def action_drill(self) -> None:
        items = self.items
        if items and items[self.cursor].drill is not None:
            self.post_message(self.Drilled(self, items[self.cursor].drill))
