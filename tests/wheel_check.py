"""Build the wheel, install it into a fresh venv, and start the app headless
against a temporary database. An editable install hides missing package data;
this does not."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import asyncio, sys, tempfile
from pathlib import Path
from crm_tui.runtime import open_for_user
from crm_tui.app import CrmApp
from crm_tui.demo import seed

open_for_user(Path(tempfile.mkdtemp()) / "wheel.db", login="wheelcheck")
seed("wheelcheck")

async def main():
    app = CrmApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.__class__.__name__ == "DashboardScreen", app.screen
        assert all(tile.data is not None for tile in app.screen.tiles), "a tile was not read"
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "AccountsScreen", app.screen
        assert app.screen.table.loaded_count > 0, "no accounts listed"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "AccountDetailScreen", app.screen
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ContactsScreen", app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "NotificationsScreen", app.screen
        await pilot.press("escape")
    # the workflow came with the install: the demo's rules, tried as a dry run
    from crm_tui.services.workflow import dry_run, rules
    kept = rules.all_rules()
    assert len(kept) == 5 and all(rule.enabled for rule in kept), kept
    assert dry_run.dry_run(rules.by_name("Billing: new cases round-robin")).matched > 0
    # the printing dependencies and fonts came with the install
    from crm_tui import printing
    from crm_tui.db import dict_rows
    quote = dict_rows("SELECT id FROM quote ORDER BY id LIMIT 1")[0]["id"]
    title, content, said = printing.pdf_of("quote", quote)
    assert content.startswith(b"%PDF") and said == [], said
    return 0

sys.exit(asyncio.run(main()))
"""


def _product_files() -> list[str]:
    """Every file the installed product needs, by its name inside the wheel:
    a package left out of pyproject's list would be missing here."""
    out = [str(p.relative_to(ROOT)) for p in (ROOT / "crm_tui").rglob("*.py")]
    for folder, patterns in (
        ("screens", ("*.py",)),
        ("styles", ("*.tcss",)),
        ("data", ("*.json",)),
    ):
        for pattern in patterns:
            out += [f"crm_tui/{p.relative_to(ROOT)}" for p in (ROOT / folder).rglob(pattern)]
    return [name for name in out if "__pycache__" not in name]


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        dist = tmp_path / "dist"
        run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
            stdout=subprocess.DEVNULL,
        )
        wheel = next(dist.glob("*.whl"))
        names = zipfile.ZipFile(wheel).namelist()
        tops = {n.split("/")[0] for n in names}
        stray = {t for t in tops if not t.startswith("crm_tui")}
        if stray:
            print(f"wheel installs unexpected top-level names: {sorted(stray)}")
            return 1
        missing = sorted(set(_product_files()) - set(names))
        if missing:
            print(f"wheel is missing {', '.join(missing)}")
            return 1
        env_dir = tmp_path / "venv"
        venv.create(env_dir, with_pip=True)
        python = env_dir / "bin" / "python"
        run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
        home = tmp_path / "home"
        env = {
            "HOME": str(home),
            "PATH": "/usr/bin:/bin",
            "TERM": "xterm-256color",
            "CRM_TUI_DATA_DIR": str(home / "data"),
            "CRM_TUI_CONFIG_DIR": str(home / "cfg"),
        }
        run([str(python), "-c", PROBE], cwd=tmp, env=env)
        run(
            [str(env_dir / "bin" / "crm-tui"), "--help"],
            cwd=tmp,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    print("wheel check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
