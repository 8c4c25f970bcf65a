"""Charts drawn as text: bars, stacked bars, a funnel, columns over time and
a progress bar. Every value is also written as text beside its bar, and
the parts of a stacked bar differ in their shading, not only their colour,
so a chart reads the same in 256 colours, in monochrome and to a screen
reader. Each function returns lines of rich Text, `width` cells wide at
most; labels are people's text and are cut, never parsed as markup. A row
is (label, value, the value as text); the caller writes the text, in the
person's money and number formats."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.cells import cell_len
from rich.text import Text

from crm_tui.text import safe_line

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
# the parts of a stacked bar: a shade and a colour each
SHADES = (("█", "cyan"), ("▓", "magenta"), ("▒", "yellow"), ("░", "green"), ("▚", "blue"))
COLUMNS = "▁▂▃▄▅▆▇█"

Row = tuple[str, object, str]


def _number(value) -> float:
    if value is None:
        return 0.0
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def bar(value: float, most: float, width: int, style: str = "cyan") -> Text:
    """A bar of `value` out of `most`, `width` cells, in eighths of a cell."""
    if width <= 0:
        return Text()
    filled = 0 if most <= 0 else max(0.0, min(1.0, value / most)) * width
    whole = int(filled)
    part = EIGHTHS[int((filled - whole) * 8)] if whole < width else ""
    drawn = (FULL * whole + part.strip()).ljust(width)
    return Text(drawn[:width], style=style)


def _label(label: str, width: int) -> Text:
    shown = safe_line(label)
    if shown.cell_len > width:
        shown.truncate(max(width - 1, 0))
        shown.append("…")
    shown.pad_right(width - shown.cell_len)
    return shown


def _widths(labels: Sequence[str], values: Sequence[str], width: int) -> tuple[int, int, int]:
    value_w = max((cell_len(v) for v in values), default=1)
    label_w = min(max((cell_len(x) for x in labels), default=4), max(width // 3, 6))
    bar_w = max(width - label_w - value_w - 2, 0)
    return label_w, bar_w, value_w


def bars(rows: Sequence[Row], width: int, *, selected: int | None = None) -> list[Text]:
    """One line per row: the label, a bar scaled to the largest value, the
    value as text; the `selected` line reversed."""
    label_w, bar_w, value_w = _widths([r[0] for r in rows], [r[2] for r in rows], width)
    most = max((_number(r[1]) for r in rows), default=0.0)
    lines = []
    for index, (label, value, text) in enumerate(rows):
        line = _label(label, label_w)
        line.append(" ")
        line.append_text(bar(_number(value), most, bar_w))
        line.append(" " + text.rjust(value_w))
        if index == selected:
            line.stylize("reverse")
        lines.append(line)
    return lines


def stacked(
    rows: Sequence[tuple[str, Sequence[tuple[str, object]], str]],
    width: int,
    *,
    selected: int | None = None,
) -> list[Text]:
    """One line per (label, parts, total as text): a bar of the parts end
    to end, each in its own shade, and the total; a legend line last."""
    names: list[str] = []
    for _, parts, _ in rows:
        for name, _ in parts:
            if name not in names:
                names.append(name)
    totals = [total for _, _, total in rows]
    label_w, bar_w, value_w = _widths([r[0] for r in rows], totals, width)
    most = max((sum(_number(v) for _, v in parts) for _, parts, _ in rows), default=0.0)
    lines = []
    for index, ((label, parts, _), total) in enumerate(zip(rows, totals, strict=True)):
        line = _label(label, label_w)
        line.append(" ")
        used = 0
        for name, value in parts:
            shade, colour = SHADES[names.index(name) % len(SHADES)]
            cells = 0 if most <= 0 else round(_number(value) / most * bar_w)
            cells = min(cells, bar_w - used)
            line.append(shade * cells, style=colour)
            used += cells
        line.append(" " * (bar_w - used))
        line.append(" " + total.rjust(value_w))
        if index == selected:
            line.stylize("reverse")
        lines.append(line)
    legend = Text()
    for name in names[: len(SHADES) * 2]:
        shade, colour = SHADES[names.index(name) % len(SHADES)]
        legend.append(shade, style=colour)
        legend.append(" ")
        legend.append_text(safe_line(name))
        legend.append("  ")
    legend.truncate(width)
    return lines + ([legend] if names else [])


def funnel(rows: Sequence[Row], width: int, *, selected: int | None = None) -> list[Text]:
    """Stages as centred bars narrowing with their values, each labelled
    with its name and value."""
    most = max((_number(r[1]) for r in rows), default=0.0)
    label_w = min(max((cell_len(r[0]) for r in rows), default=4), max(width // 4, 6))
    value_w = max((cell_len(r[2]) for r in rows), default=1)
    room = max(width - label_w - value_w - 2, 0)
    lines = []
    for index, (label, value, text) in enumerate(rows):
        cells = 0 if most <= 0 else max(1, round(_number(value) / most * room))
        if _number(value) <= 0:
            cells = 0
        pad = (room - cells) // 2
        line = _label(label, label_w)
        line.append(" " + " " * pad)
        line.append(FULL * cells, style="cyan")
        line.append(" " * (room - cells - pad))
        line.append(" " + text.rjust(value_w))
        if index == selected:
            line.stylize("reverse")
        lines.append(line)
    return lines


def columns(
    rows: Sequence[Row],
    width: int,
    *,
    height: int = 5,
    selected: int | None = None,
) -> list[Text]:
    """Values over time as columns, `height` lines tall, one to a few cells
    per period (the latest when they do not all fit), the first and last
    period named under them and the selected period's value written out."""
    if not rows:
        return []
    step = max(1, min(3, (width - 1) // max(len(rows), 1)))
    fits = max(1, width // step)
    start = max(0, len(rows) - fits)
    shown_rows = rows[start:]
    most = max((_number(r[1]) for r in shown_rows), default=0.0)
    lines = []
    for level in range(height, 0, -1):
        line = Text()
        for index, (_, value, _) in enumerate(shown_rows):
            eighths = 0 if most <= 0 else round(_number(value) / most * height * 8)
            cell = min(max(eighths - (level - 1) * 8, 0), 8)
            char = " " if cell == 0 else COLUMNS[cell - 1]
            style = "reverse cyan" if start + index == selected else "cyan"
            line.append((char * max(step - 1, 1)).ljust(step), style=style)
        lines.append(line)
    first, last = safe_line(shown_rows[0][0]), safe_line(shown_rows[-1][0])
    axis = first.copy()
    gap = max(len(shown_rows) * step - first.cell_len - last.cell_len, 1)
    axis.append(" " * gap)
    axis.append_text(last)
    axis.truncate(width)
    lines.append(Text(axis.plain, style="dim"))
    if selected is not None and selected >= start:
        label, _, text = rows[selected]
        line = safe_line(label)
        line.append(f": {text}")
        lines.append(line)
    return lines


def progress(value, goal, width: int) -> Text:
    """[████████░░░░] 62 % of the goal; "no target set" without one."""
    if not goal or _number(goal) <= 0:
        return Text("no target set", style="dim")
    share = _number(value) / _number(goal)
    text = f" {round(share * 100)} %"
    room = max(width - len(text) - 2, 4)
    filled = min(int(share * room), room)
    line = Text("[")
    line.append(FULL * filled, style="green" if share >= 1 else "cyan")
    line.append("░" * (room - filled), style="dim")
    line.append("]" + text)
    return line


def progress_rows(
    rows: Sequence[tuple[str, object, object, str]], width: int, *, selected: int | None = None
) -> list[Text]:
    """One line per (label, value, goal, text): the label, a bar of the
    value against its own goal with the share written out, and the text."""
    label_w = min(max((cell_len(r[0]) for r in rows), default=4), max(width // 3, 6))
    text_w = max((cell_len(r[3]) for r in rows), default=1)
    room = max(width - label_w - text_w - 2, 8)
    lines = []
    for index, (label, value, goal, text) in enumerate(rows):
        line = _label(label, label_w)
        line.append(" ")
        if goal and _number(goal) > 0:
            share = _number(value) / _number(goal)
            note = f" {round(share * 100)}%"
            cells = max(room - len(note), 1)
            filled = min(int(share * cells), cells)
            line.append(FULL * filled, style="green" if share >= 1 else "cyan")
            line.append("░" * (cells - filled), style="dim")
            line.append(note)
        else:
            line.append("no target".ljust(room), style="dim")
        line.append(" " + text.rjust(text_w))
        if index == selected:
            line.stylize("reverse")
        lines.append(line)
    return lines
