"""The PostgreSQL driver costs nothing on SQLite: the app, its models and the
command line start without importing it; opening a postgresql:// URL does."""

from __future__ import annotations

import subprocess
import sys


def _loaded_after(code: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('psycopg' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1] == "True"


def test_the_app_and_the_command_line_start_without_the_driver():
    assert not _loaded_after("import crm_tui.cli, crm_tui.app, crm_tui.models, crm_tui.runtime")


def test_the_driver_is_still_there_for_whoever_imports_it():
    assert _loaded_after("import crm_tui.models\nimport psycopg")
