"""Sending the queued mail from the app: `crm-tui send` runs in a process of
its own (the SMTP server may be slow; the screen keeps answering keys) as
the same person on the same database, and the campaign page shows its
counts as it goes. One sender runs per database: a second is refused."""

from __future__ import annotations

import asyncio
import os
import sys

from rich.text import Text

from crm_tui import db
from crm_tui.screens.common import calls
from crm_tui.services import session
from crm_tui.services.marketing.mail import queue, settings


def send_now(screen, queued_text: str = "") -> None:
    """Start the sender for the screen's database and say what it did;
    `queued_text` says what was just queued (a sender not set up then
    leaves it queued, saying so, rather than failing)."""
    if queued_text and not settings.current().configured:
        screen.notify(f"{queued_text}; it is sent once email is set up ([mail] in config.toml) "
                      "by crm-tui send.", severity="warning")  # fmt: skip
        return
    try:
        settings.require_configured()
    except Exception as exc:
        calls.report_or_raise(screen, exc)
        return
    waiting = queue.counts()["queued"]
    if not waiting:
        screen.notify("No mail is waiting to be sent.")
        return
    screen.notify(f"{queued_text}: sending …" if queued_text else f"Sending {waiting:,} messages …")
    screen.run_worker(_run(screen), exclusive=True, group="mail")


async def _run(screen) -> None:
    config = session.settings().config_file()
    given = ["--config", str(config)] if config.exists() else []
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "crm_tui", *given, "--db", str(db.target()), "send",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ},
    )  # fmt: skip
    output, _ = await process.communicate()
    said = output.decode("utf-8", "replace").strip().splitlines()
    last = said[-1] if said else ""
    screen.notify(Text(last or "The sender stopped without a word."),
                  severity="information" if process.returncode == 0 else "error")  # fmt: skip
    screen.refresh_data()
