"""Keep Peewee from importing the PostgreSQL driver until it is needed.

Peewee imports psycopg at its own import when it is installed: about 100 ms
on every start, for a driver only a postgresql:// URL uses. While Peewee's
module is being imported, this finder answers its `import psycopg` with
ImportError (Peewee then has no driver of its own); crm_tui/db/postgres.py
imports the driver itself and hands Peewee an adapter built on it. Anyone
else importing psycopg, at any time, gets it as usual.
"""

from __future__ import annotations

import sys

_DRIVER = "psycopg"


def _from_peewee() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__") == "peewee":
            return True
        frame = frame.f_back
    return False


# A finder needs only find_spec; importlib.abc.MetaPathFinder would cost
# importlib.resources and tempfile (about 5 ms) on every start.
class _DeferDriver:
    def find_spec(self, name, path=None, target=None):
        if "peewee" in sys.modules and sys.modules["peewee"].__dict__.get("Model"):
            sys.meta_path.remove(self)  # Peewee is loaded: nothing more to defer
            return None
        if name == _DRIVER and _from_peewee():
            raise ImportError(f"{_DRIVER} is imported when a PostgreSQL database is opened")
        return None


def install() -> None:
    """Defer the driver, unless Peewee or the driver is already loaded."""
    if "peewee" not in sys.modules and _DRIVER not in sys.modules:
        sys.meta_path.insert(0, _DeferDriver())
