"""Phone numbers as shown, remembered between starts.

Grouping an E.164 number for reading (+44 20 7946 0958) needs the phone
library, whose import and patterns cost about 20 ms: a fifth of what the
first list adds to a bare terminal app before its first frame. The forms
shown are kept in a small file in the state directory, so a start that shows
the numbers it showed before does not load the library at all.

The file holds a stamp of the installed phone library (its module's size and
time): another version may group differently, so its forms are not used. It
is a cache: unreadable, damaged or stale, it is ignored; one that cannot be
written is not an error. Several processes may write it; the last one wins.
"""

from __future__ import annotations

import importlib.util
import json
import os

from crm_tui import config

FILE_NAME = "phones-shown.json"
# Enough for every number of many screens of lists; the oldest go first.
LIMIT = 4096

_shown: dict[str, str] | None = None
_added = False


def _path():
    return config.state_dir() / FILE_NAME


def _stamp() -> str:
    spec = importlib.util.find_spec("phonenumbers")
    if spec is None or not spec.origin:
        return ""
    try:
        info = os.stat(spec.origin)
    except OSError:
        return ""
    return f"{info.st_size}:{info.st_mtime_ns}"


def _load() -> dict[str, str]:
    try:
        with open(_path(), encoding="utf-8") as file:
            saved = json.load(file)
    except (OSError, ValueError):
        return {}
    if not isinstance(saved, dict) or saved.get("stamp") != _stamp():
        return {}
    shown = saved.get("shown")
    if not isinstance(shown, dict):
        return {}
    return {k: v for k, v in shown.items() if isinstance(k, str) and isinstance(v, str)}


def _format(value: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def shown(value: str) -> str:
    """An E.164 number grouped for reading, from the remembered forms when
    it was shown before."""
    global _shown, _added
    if _shown is None:
        _shown = _load()
    text = _shown.get(value)
    if text is None:
        text = _shown[value] = _format(value)
        _added = True
    return text


def save() -> None:
    """Write the forms shown so far for the next start, when some are new;
    a file that cannot be written is left as it was."""
    global _added
    if not _added or _shown is None:
        return
    kept = dict(list(_shown.items())[-LIMIT:])
    path = _path()
    temporary = path.with_name(f"{FILE_NAME}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # customers' numbers: readable by their owner only, like the database
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w", encoding="utf-8") as file:
            json.dump({"stamp": _stamp(), "shown": kept}, file, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return
    _added = False


def forget() -> None:
    """Drop what was loaded or formatted (tests start each from the file)."""
    global _shown, _added
    _shown, _added = None, False
