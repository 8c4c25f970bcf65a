"""Services are importable without Textual (scripts, the CLI's ops commands, tests)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import crm_tui.services
import crm_tui.runtime
import crm_tui.text
import crm_tui.db
for name in crm_tui.services.__all__:
    getattr(crm_tui.services, name)
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("LOADED:" + ",".join(loaded))
"""


def test_services_do_not_import_textual():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "LOADED:", result.stdout


def test_the_probe_would_notice_textual():
    # the same probe reports textual when something does import it
    result = subprocess.run(
        [sys.executable, "-c", "import textual.app\n" + PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "textual.app" in result.stdout
