"""A running app runs the database's workflow rules when nobody does: when
no runner holds the lease (no `crm-tui worker`, no other app running it),
it starts `crm-tui worker` in a process of its own, which stops when the
app does (or when another runner takes over). Off with
`workflow_runner = false` in config.toml, where a service runs the worker."""

from __future__ import annotations

import os
import subprocess
import sys

from crm_tui import config, db
from crm_tui.services import session

# On PostgreSQL the runner moves everyone's jobs on, which the access rules
# allow managers and admins.
SERVER_ROLES = ("manager", "admin")


class AppRunner:
    """The worker process this app started, if any."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def wanted(self) -> bool:
        """Whether this app should run the rules now: allowed, not running
        them already, and nobody else is."""
        settings = session.settings()
        if not settings.workflow_runner or db.target() is None:
            return False
        if db.is_postgres() and session.current_user().role not in SERVER_ROLES:
            return False
        if self.process is not None and self.process.poll() is None:
            return False
        from crm_tui.services.workflow import runner  # the rules' code: not before it is needed

        return runner.lease_holder() is None

    def tick(self) -> None:
        """Start the worker if the app should run the rules now."""
        if not self.wanted():
            return
        settings = session.settings()
        path = settings.config_file()
        given = ["--config", str(path)] if path.exists() else []
        log = config.state_dir() / "workflow-runner.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "crm_tui", *given, "--db", str(db.target()), "worker",
                 "--quiet", "--parent", str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
            )  # fmt: skip

    def stop(self) -> None:
        """Stop the worker this app started (it gives its lease up)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
