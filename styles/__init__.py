"""Stylesheets (.tcss), installed as crm_tui.styles."""

import os


def path(name: str) -> str:
    """The path of a stylesheet shipped here (from a checkout or a wheel).
    The package is always a folder on disk, so its own path is enough
    (importlib.resources would cost the first frame a few imports)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
