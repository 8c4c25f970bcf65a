"""Stylesheets (.tcss), installed as crm_tui.styles."""

from importlib.resources import files


def path(name: str) -> str:
    """The path of a stylesheet shipped here (from a checkout or a wheel)."""
    return str(files(__name__) / name)
