"""Editing text in the person's own editor ($VISUAL, then $EDITOR, then vi):
the app suspends while it runs and always comes back, whatever the editor
did; a missing or failing editor is a refusal that says so."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from textual.app import App

from crm_tui.errors import CrmError
from crm_tui.text import clean


def editor_command() -> list[str]:
    """The editor to run, as words; refused when it names no program."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        words = shlex.split(command)
    except ValueError:
        words = []
    if not words:
        raise CrmError(
            f"$VISUAL/$EDITOR {clean(command)!r} is not a command; the text is unchanged"
        )
    if shutil.which(words[0]) is None:
        raise CrmError(
            f"the editor {clean(words[0])!r} ($VISUAL or $EDITOR) is not installed or not on "
            "your PATH; the text is unchanged: edit it here, or set EDITOR to an editor you have"
        )
    return words


def edit(app: App, text: str, suffix: str = ".md") -> str:
    """`text` as the person left it in their editor; refused (text unchanged)
    when the editor is missing, cannot run, or exits with an error."""
    words = editor_command()
    with tempfile.NamedTemporaryFile(
        "w", suffix=suffix, prefix="crm-tui-", delete=False, encoding="utf-8"
    ) as handle:
        handle.write(text)
        path = Path(handle.name)
    try:
        failure = ""
        # Nothing may escape the suspended block: the app resumes only when
        # it ends normally, and would otherwise stay suspended for good.
        with app.suspend():
            try:
                finished = subprocess.run([*words, str(path)], check=False)
                if finished.returncode != 0:
                    failure = f"exited with status {finished.returncode}"
            except OSError as exc:
                failure = f"could not run ({exc.strerror or exc})"
        if failure:
            raise CrmError(f"the editor {clean(words[0])!r} {failure}; the text is unchanged")
        try:
            return clean(path.read_text(encoding="utf-8"), multiline=True)
        except (OSError, UnicodeDecodeError) as exc:
            raise CrmError(
                f"could not read what the editor saved ({exc}); the text is unchanged"
            ) from None
    finally:
        path.unlink(missing_ok=True)
