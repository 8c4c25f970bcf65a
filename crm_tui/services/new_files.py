"""Files the product writes for a person (an export, a report, a printed
document): new files only, readable by their owner alone since they hold
customers' data, and gone again when the writing fails."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from crm_tui.errors import ValidationError


def path_of(typed_path: str) -> Path:
    """The path typed (~ expanded); ValidationError when nothing was typed."""
    if not typed_path.strip():
        raise ValidationError({"file": "name the file to write"})
    return Path(typed_path.strip()).expanduser()


@contextmanager
def owner_only(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """`path` created for writing (text as UTF-8, or bytes), mode 0600;
    ValidationError when it exists or cannot be made. A failure while
    writing removes it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ValidationError({"file": f"{path} exists: choose another name"}) from None
    except OSError as exc:
        raise ValidationError({"file": f"cannot write {path}: {exc.strerror}"}) from None
    try:
        if binary:
            with os.fdopen(fd, "wb") as out:
                yield out
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                yield out
    except BaseException:
        path.unlink(missing_ok=True)
        raise
