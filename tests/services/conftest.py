"""Fixtures shared by the service tests."""

from __future__ import annotations

import pytest

from crm_tui.config import Settings
from crm_tui.services import session


@pytest.fixture
def configure():
    """Swap the session settings for one test and put the old ones back after:
    configure(time_zone="UTC", ...) applies a fresh Settings with those values."""
    before = session.settings()

    def apply(**values) -> None:
        session.configure(Settings(**values))

    yield apply
    session.configure(before)


@pytest.fixture
def region(configure):
    """Set the default phone region for one test (the settings are restored after)."""

    def set_region(code: str) -> None:
        configure(default_region=code)

    return set_region
