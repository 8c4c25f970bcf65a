"""The pipeline filter (whose deals, which close dates) that the board and
the opportunity list share: kept on the app, so switching between the two
views keeps it."""

from __future__ import annotations

from rich.text import Text

from crm_tui.services.sales import opportunities
from crm_tui.services.sales.pipeline import BoardFilter


def board_filter(app) -> BoardFilter:
    """The filter the board and the opportunity list share."""
    current = getattr(app, "pipeline_filter", None)
    if current is None:
        current = app.pipeline_filter = BoardFilter()
    return current


def set_board_filter(app, **changes) -> BoardFilter:
    current = board_filter(app)
    app.pipeline_filter = BoardFilter(
        scope=changes.get("scope", current.scope), close=changes.get("close", current.close)
    )
    return app.pipeline_filter


def cycle(options: dict, current):
    keys = list(options)
    return keys[(keys.index(current) + 1) % len(keys)]


def filter_label(f: BoardFilter) -> Text:
    out = Text()
    out.append(opportunities.SCOPES[f.scope], style="bold")
    out.append("  ·  ")
    out.append(opportunities.CLOSE_FILTERS[f.close])
    return out
