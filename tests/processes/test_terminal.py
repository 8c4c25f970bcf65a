"""The app in a real terminal: an unexpected error ends it with a non-zero
status, one line and the log's path (no traceback on the screen), and an
editor that cannot start hands the terminal back instead of hanging."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from terminal_support import Terminal


@pytest.fixture
def env(tmp_path):
    values = {
        "CRM_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "CRM_TUI_DATA_DIR": str(tmp_path / "data"),
        "CRM_TUI_STATE_DIR": str(tmp_path / "state"),
        "TZ": "UTC",
    }
    return values


@pytest.fixture
def database(tmp_path, env):
    path = tmp_path / "crm.db"
    made = subprocess.run(
        [sys.executable, "-m", "crm_tui", "init", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert made.returncode == 0, made.stderr
    # the app opens on the accounts list, whose view key the first test breaks
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text('start_area = "accounts"\n')
    return path


def test_an_unexpected_error_exits_non_zero_with_one_line_and_the_log(database, env, tmp_path):
    code = (
        "import sys\n"
        "from crm_tui import cli\n"
        "from crm_tui.screens.customers.accounts_list import AccountsScreen\n"
        "def broken(self):\n"
        "    raise RuntimeError('a bug in a view key')\n"
        "AccountsScreen.action_next_view = broken\n"
        f"sys.exit(cli.main(['--db', {str(database)!r}]))\n"
    )
    terminal = Terminal(code, env)
    try:
        assert terminal.wait_for(b"Accounts"), terminal.output[-500:]
        terminal.read(0.5)
        terminal.press(b"v")
        status = terminal.finish()
    finally:
        terminal.close()
    log = tmp_path / "state" / "crm-tui.log"
    assert status == 1
    tail = terminal.output.decode(errors="replace").split("\x1b[?1049l")[-1]
    assert (
        "crm-tui stopped on an unexpected error (RuntimeError: a bug in a view key); "
        f"details are in {log}"
    ) in tail
    assert "Traceback" not in tail
    assert "Traceback (most recent call last)" in log.read_text()


def test_an_editor_that_cannot_start_hands_the_terminal_back(database, env, tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    editor = tools / "brokeneditor"  # on the PATH and executable, but it cannot start
    editor.write_text("#!/no/such/interpreter\n")
    editor.chmod(0o755)
    # the article form opens first thing: the keys that lead to it are not under test
    code = "\n".join(
        [
            "import sys",
            "from crm_tui import cli",
            "from crm_tui.app import CrmApp",
            "from crm_tui.screens.knowledge.article_form import ArticleFormScreen",
            "opened = CrmApp.on_mount",
            "def on_mount(self):",
            "    opened(self)",
            "    self.push_screen(ArticleFormScreen(None))",
            "CrmApp.on_mount = on_mount",
            f"sys.exit(cli.main(['--db', {str(database)!r}]))",
        ]
    )
    path = f"{tools}:{os.environ['PATH']}"
    terminal = Terminal(code, {**env, "EDITOR": "brokeneditor", "VISUAL": "", "PATH": path})
    try:
        assert terminal.wait_for(b"New article"), terminal.output[-800:]
        terminal.read(0.5)
        terminal.press(b"\x05")  # ctrl+e
        assert terminal.wait_for(b"could not run", seconds=10), terminal.output[-800:]
        terminal.press(b"\x1b")  # escape: leave the untouched form
        terminal.read(1.0)
        terminal.press(b"q")
        status = terminal.finish()
    finally:
        terminal.close()
    assert status == 0
