"""A case's SLA clock as the queue and the case detail show it: the working
time left to the next target, coloured by urgency."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from crm_tui.services.support import sla

CLOCK_STYLE = {"in_time": "", "nearing": "bold yellow", "breached": "bold red", "paused": "dim"}


def _duration(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    text = f"{hours}h {rest:02d}m" if hours else f"{rest}m"
    return ("−" if minutes < 0 else "") + text


def countdown(row: dict, now: dt.datetime | None = None) -> Text:
    """Working time left to the case's next SLA target, coloured by urgency."""
    if row["state"] != "active":
        return Text("resolved", style="dim", justify="right")
    clock = sla.clock(row, now or dt.datetime.now(dt.UTC))
    if clock.state == "paused":
        return Text("paused", style="dim", justify="right")
    if clock.state == "succeeded" or clock.due is None:
        return Text("met", style="dim", justify="right")
    label = "resp " if clock.target == "first_response" else ""
    return Text(
        label + _duration(clock.remaining_minutes), style=CLOCK_STYLE[clock.state], justify="right"
    )
