"""The app's terminal defaults: no animations, escape read at once, a
changed screen drawn at up to 240 frames a second, unless the environment
says otherwise."""

import os
import selectors
import time

import pytest
from textual import constants
from textual import screen as textual_screen
from textual.app import App
from textual.drivers import linux_driver

from crm_tui import terminal_feel


@pytest.fixture
def restore():
    saved = constants.ESCAPE_DELAY, linux_driver.selectors, textual_screen.UPDATE_PERIOD
    # an app started by an earlier test may have made the reader prompt already
    linux_driver.selectors = selectors
    yield
    constants.ESCAPE_DELAY, linux_driver.selectors, textual_screen.UPDATE_PERIOD = saved


def test_defaults_turn_animations_off_and_read_escape_soon(restore):
    app = App()
    terminal_feel.apply(app, environ={})
    assert terminal_feel.prompt_reader(linux_driver.LinuxDriver, environ={})
    assert app.animation_level == "none"
    assert constants.ESCAPE_DELAY == terminal_feel.ESCAPE_DELAY_S
    # the terminal reader's selector wakes within the escape delay
    selector = linux_driver.selectors.SelectSelector()
    reader, writer = os.pipe()
    try:
        selector.register(reader, selectors.EVENT_READ)
        started = time.perf_counter()
        assert selector.select(0.1) == []
        assert time.perf_counter() - started < 0.09
    finally:
        selector.close()
        os.close(reader)
        os.close(writer)


def test_the_environment_wins(restore):
    app = App()
    before = app.animation_level
    delay, module = constants.ESCAPE_DELAY, linux_driver.selectors
    period = textual_screen.UPDATE_PERIOD
    terminal_feel.apply(
        app, environ={"TEXTUAL_ANIMATIONS": "full", "ESCDELAY": "100", "TEXTUAL_FPS": "60"}
    )
    assert not terminal_feel.prompt_reader(linux_driver.LinuxDriver, environ={"ESCDELAY": "100"})
    assert app.animation_level == before
    assert constants.ESCAPE_DELAY == delay
    assert linux_driver.selectors is module
    assert textual_screen.UPDATE_PERIOD == period


async def test_a_screen_draws_on_a_240_frame_clock(restore):
    app = App()
    terminal_feel.apply(app, environ={})
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.screen._update_timer._interval == pytest.approx(1 / 240)


def test_the_reader_is_made_prompt_once_and_only_for_the_terminal_driver(restore):
    from textual.drivers.headless_driver import HeadlessDriver

    assert not terminal_feel.prompt_reader(HeadlessDriver, environ={})
    assert terminal_feel.prompt_reader(linux_driver.LinuxDriver, environ={})
    shim = linux_driver.selectors
    assert not terminal_feel.prompt_reader(linux_driver.LinuxDriver, environ={})
    assert linux_driver.selectors is shim


def test_the_app_makes_its_terminal_reader_prompt(restore, monkeypatch):
    from crm_tui.app import CrmApp

    monkeypatch.delenv("ESCDELAY", raising=False)
    monkeypatch.setattr(App, "get_driver_class", lambda self: linux_driver.LinuxDriver)
    assert CrmApp.get_driver_class(object.__new__(CrmApp)) is linux_driver.LinuxDriver
    assert linux_driver.selectors.SelectSelector is terminal_feel._PromptSelector
